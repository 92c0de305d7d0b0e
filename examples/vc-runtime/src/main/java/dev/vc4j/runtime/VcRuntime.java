package dev.vc4j.runtime;

import dev.vc4j.StoreRoots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vc-runtime: an OCI runtime command line with runc's commands, flags, messages and exit codes, which runs each
 * container in its own vc4j VM. Engines (podman through conmon, containerd's runc shim, CRI-O) call it as they
 * call runc. Global flags come before the command.
 */
@Command(
        name = "vc-runtime",
        mixinStandardHelpOptions = true,
        versionProvider = VcRuntime.Version.class,
        description = "Runs OCI containers in VMs (vc4j), with runc's command line.",
        subcommands = {
            LifecycleCommands.Create.class,
            LifecycleCommands.Run.class,
            LifecycleCommands.Start.class,
            LifecycleCommands.Delete.class,
            ControlCommands.Kill.class,
            ControlCommands.Pause.class,
            ControlCommands.Resume.class,
            ControlCommands.Update.class,
            ExecCommand.class,
            InfoCommands.StateCommand.class,
            InfoCommands.ListContainers.class,
            InfoCommands.Ps.class,
            InfoCommands.Events.class,
            InfoCommands.FeaturesCommand.class,
            InfoCommands.SpecCommand.class,
            ShimCommands.ShimCommand.class,
            ShimCommands.ExecRelay.class
        })
public final class VcRuntime implements Runnable {
    static final String OCI_VERSION = "1.0.2";
    static final String VERSION = "0.1.0";

    enum LogFormat {
        text,
        json
    }

    @Option(names = "--root", description = "Directory of the containers' state (default: ${DEFAULT-VALUE}).")
    Path root = RuntimeRoot.DEFAULT;

    @Option(names = "--log", description = "Log file (default: errors only, on stderr).")
    Path log;

    @Option(names = "--log-format", description = "text or json (runc's lines: level, msg, time).")
    LogFormat logFormat = LogFormat.text;

    @Option(names = "--debug", description = "Log debug messages.")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "Accepted for runc compatibility: cgroups are the guest's.")
    boolean systemdCgroup;

    @Option(
            names = "--store-root",
            description = "vc4j's store: DIR/run and DIR/config (default: /run/vc4j and /var/lib/vc4j).")
    Path storeRoot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new VcRuntime());
        commandLine.getSubcommands().get("exec").setStopAtPositional(true);
        commandLine.getSubcommands().get("run").setStopAtPositional(false);
        commandLine.setExecutionStrategy(parsed -> {
            VcRuntime runtime = parsed.commandSpec().commandLine().getCommand();
            RuntimeLog.install(new RuntimeLog(runtime.log, runtime.logFormat == LogFormat.json, runtime.debug));
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            RuntimeLog.current().error(Errors.message(e));
            return 1;
        });
        commandLine.setParameterExceptionHandler((e, args1) -> {
            RuntimeLog.current().error(e.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }

    /** Without a command: the usage, and runc's exit code for a missing command. */
    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    RuntimeRoot root() {
        return new RuntimeRoot(root);
    }

    StoreRoots storeRoots() {
        return storeRoot == null
                ? StoreRoots.defaults()
                : new StoreRoots(storeRoot.resolve("run"), storeRoot.resolve("config"));
    }

    /** The global flags again, for the processes this one starts (shim, exec relay). */
    List<String> globalFlags() {
        List<String> flags = new ArrayList<>(List.of("--root", root.toString()));
        if (log != null) {
            flags.addAll(List.of("--log", log.toAbsolutePath().toString()));
        }
        flags.add("--log-format=" + logFormat);
        if (debug) {
            flags.add("--debug");
        }
        if (storeRoot != null) {
            flags.addAll(List.of("--store-root", storeRoot.toAbsolutePath().toString()));
        }
        return flags;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vc-runtime version " + VERSION, "spec: " + OCI_VERSION};
        }
    }
}
