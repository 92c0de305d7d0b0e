package dev.vc4j.runtime;

import dev.vc4j.runtime.RuntimeCommand.Body;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import static dev.vc4j.runtime.RuntimeCommand.ANY;
import static dev.vc4j.runtime.RuntimeCommand.onContainer;

/** vc-runtime's commands. */
final class CommandTable {
    /** Every command's name, in runc's order, then vc-runtime's own hidden ones. */
    private static final List<String> NAMES = List.of(
            "create",
            "delete",
            "events",
            "exec",
            "features",
            "kill",
            "list",
            "pause",
            "ps",
            "resume",
            "run",
            "spec",
            "start",
            "state",
            "update",
            "shim",
            "exec-relay");

    private CommandTable() {}

    private static RuntimeCommand hidden(String name, String description, Flags flags, Body body) {
        return new RuntimeCommand(name, "<container-id>", description, 1, 1, flags, true, body);
    }

    static Optional<RuntimeCommand> named(String name) {
        return Optional.ofNullable(build(name));
    }
    /**
     * The command called {@code name}, made when asked for: a process runs one command, and making only it links
     * only its code (each lambda linked costs a fresh JVM a little).
     */
    private static RuntimeCommand build(String name) {
        return switch (name) {
            case "create" ->
                onContainer(
                        "create",
                        "Create a container from a bundle: boots its VM; start runs its process.",
                        LifecycleCommands.Create.flags(),
                        (r, a) -> new LifecycleCommands.Create(r, a).call());
            case "delete" ->
                onContainer(
                        "delete",
                        "Delete a stopped (or, with --force, any) container and its VM.",
                        LifecycleCommands.Delete.FLAGS,
                        (r, a) ->
                                new LifecycleCommands.Delete(r, a.positionals().get(0), a.flag("force")).call());
            case "events" ->
                onContainer(
                        "events",
                        "Print the container's resource usage as JSON, every --interval.",
                        InfoCommands.EVENTS_FLAGS,
                        InfoCommands.Events::run);
            case "exec" ->
                new RuntimeCommand(
                        "exec",
                        "<container-id> [command [args...]]",
                        "Run a process in a running container.",
                        1,
                        ANY,
                        ExecCommand.FLAGS,
                        false,
                        (r, a) -> new ExecCommand(r, a).call());
            case "features" ->
                new RuntimeCommand(
                        "features",
                        "",
                        "Print what this runtime supports, as JSON.",
                        0,
                        0,
                        new Flags(),
                        false,
                        (r, a) -> InfoCommands.features());
            case "kill" ->
                new RuntimeCommand(
                        "kill",
                        "<container-id> [signal]",
                        "Send a signal (default SIGTERM) to the container's process.",
                        1,
                        2,
                        ControlCommands.Kill.FLAGS,
                        false,
                        (r, a) -> new ControlCommands.Kill(r, a).call());
            case "list" ->
                new RuntimeCommand(
                        "list",
                        "",
                        "List the containers under --root.",
                        0,
                        0,
                        InfoCommands.LIST_FLAGS,
                        false,
                        InfoCommands::list);
            case "pause" ->
                onContainer(
                        "pause",
                        "Freeze the container's processes.",
                        new Flags(),
                        (r, a) -> ControlCommands.shimRequest(r, a, "pause"));
            case "ps" ->
                new RuntimeCommand(
                        "ps",
                        "<container-id> [ps options]",
                        "List the container's processes (their pids in the VM).",
                        1,
                        ANY,
                        InfoCommands.PS_FLAGS,
                        false,
                        InfoCommands::ps);
            case "resume" ->
                onContainer(
                        "resume",
                        "Let a paused container run again.",
                        new Flags(),
                        (r, a) -> ControlCommands.shimRequest(r, a, "resume"));
            case "run" ->
                onContainer(
                        "run",
                        "Create and start a container; without --detach, wait for its exit.",
                        LifecycleCommands.Run.FLAGS,
                        (r, a) -> new LifecycleCommands.Run(r, a).call());
            case "spec" ->
                new RuntimeCommand(
                        "spec",
                        "",
                        "Write a starting config.json into the bundle directory.",
                        0,
                        0,
                        InfoCommands.SPEC_FLAGS,
                        false,
                        (r, a) -> InfoCommands.spec(a));
            case "start" ->
                onContainer(
                        "start",
                        "Run the process of a created container.",
                        new Flags(),
                        (r, a) -> new LifecycleCommands.Start(r, a.positionals().get(0)).call());
            case "state" ->
                onContainer("state", "Print a container's OCI state as JSON.", new Flags(), InfoCommands::printState);
            case "update" ->
                onContainer(
                        "update",
                        "Change the cgroup limits of a running container.",
                        ControlCommands.Update.FLAGS,
                        (r, a) -> new ControlCommands.Update(r, a).call());
            case "shim" ->
                hidden(
                        "shim",
                        "The host process of a container (started by create).",
                        ShimCommands.SHIM_FLAGS,
                        ShimCommands::shim);
            case "exec-relay" ->
                hidden(
                        "exec-relay",
                        "The host process of a detached exec.",
                        ShimCommands.ExecRelay.FLAGS,
                        (r, a) -> new ShimCommands.ExecRelay(r, a).call());
            default -> null;
        };
    }

    static void printCommands(PrintStream out) {
        for (String name : NAMES) {
            RuntimeCommand c = build(name);
            if (!c.hidden()) {
                out.printf("   %-10s%s%n", c.name(), c.description());
            }
        }
    }
}
