package dev.vc4j.runtime;

import dev.vc4j.runtime.RuntimeCommand.Body;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import static dev.vc4j.runtime.RuntimeCommand.ANY;
import static dev.vc4j.runtime.RuntimeCommand.onContainer;

/** vc-runtime's commands: runc's, in runc's order, then vc-runtime's own hidden ones. */
final class CommandTable {
    private static final List<RuntimeCommand> COMMANDS = List.of(
            onContainer(
                    "create",
                    "Create a container from a bundle: boots its VM; start runs its process.",
                    LifecycleCommands.Create.flags(),
                    (r, a) -> new LifecycleCommands.Create(r, a).call()),
            onContainer(
                    "delete",
                    "Delete a stopped (or, with --force, any) container and its VM.",
                    LifecycleCommands.Delete.FLAGS,
                    (r, a) -> new LifecycleCommands.Delete(r, a.positionals().get(0), a.flag("force")).call()),
            onContainer(
                    "events",
                    "Print the container's resource usage as JSON, every --interval.",
                    InfoCommands.EVENTS_FLAGS,
                    InfoCommands.Events::run),
            new RuntimeCommand(
                    "exec",
                    "<container-id> [command [args...]]",
                    "Run a process in a running container.",
                    1,
                    ANY,
                    ExecCommand.FLAGS,
                    false,
                    (r, a) -> new ExecCommand(r, a).call()),
            new RuntimeCommand(
                    "features",
                    "",
                    "Print what this runtime supports, as JSON.",
                    0,
                    0,
                    new Flags(),
                    false,
                    (r, a) -> InfoCommands.features()),
            new RuntimeCommand(
                    "kill",
                    "<container-id> [signal]",
                    "Send a signal (default SIGTERM) to the container's process.",
                    1,
                    2,
                    ControlCommands.Kill.FLAGS,
                    false,
                    (r, a) -> new ControlCommands.Kill(r, a).call()),
            new RuntimeCommand(
                    "list",
                    "",
                    "List the containers under --root.",
                    0,
                    0,
                    InfoCommands.LIST_FLAGS,
                    false,
                    InfoCommands::list),
            onContainer(
                    "pause",
                    "Freeze the container's processes.",
                    new Flags(),
                    (r, a) -> ControlCommands.shimRequest(r, a, "pause")),
            new RuntimeCommand(
                    "ps",
                    "<container-id> [ps options]",
                    "List the container's processes (their pids in the VM).",
                    1,
                    ANY,
                    InfoCommands.PS_FLAGS,
                    false,
                    InfoCommands::ps),
            onContainer(
                    "resume",
                    "Let a paused container run again.",
                    new Flags(),
                    (r, a) -> ControlCommands.shimRequest(r, a, "resume")),
            onContainer(
                    "run",
                    "Create and start a container; without --detach, wait for its exit.",
                    LifecycleCommands.Run.FLAGS,
                    (r, a) -> new LifecycleCommands.Run(r, a).call()),
            new RuntimeCommand(
                    "spec",
                    "",
                    "Write a starting config.json into the bundle directory.",
                    0,
                    0,
                    InfoCommands.SPEC_FLAGS,
                    false,
                    (r, a) -> InfoCommands.spec(a)),
            onContainer(
                    "start",
                    "Run the process of a created container.",
                    new Flags(),
                    (r, a) -> new LifecycleCommands.Start(r, a.positionals().get(0)).call()),
            onContainer("state", "Print a container's OCI state as JSON.", new Flags(), InfoCommands::printState),
            onContainer(
                    "update",
                    "Change the cgroup limits of a running container.",
                    ControlCommands.Update.FLAGS,
                    (r, a) -> new ControlCommands.Update(r, a).call()),
            hidden(
                    "shim",
                    "The host process of a container (started by create).",
                    ShimCommands.SHIM_FLAGS,
                    ShimCommands::shim),
            hidden(
                    "exec-relay",
                    "The host process of a detached exec.",
                    ShimCommands.ExecRelay.FLAGS,
                    (r, a) -> new ShimCommands.ExecRelay(r, a).call()));

    private CommandTable() {}

    private static RuntimeCommand hidden(String name, String description, Flags flags, Body body) {
        return new RuntimeCommand(name, "<container-id>", description, 1, 1, flags, true, body);
    }

    static Optional<RuntimeCommand> named(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    static void printCommands(PrintStream out) {
        for (RuntimeCommand c : COMMANDS) {
            if (!c.hidden()) {
                out.printf("   %-10s%s%n", c.name(), c.description());
            }
        }
    }
}
