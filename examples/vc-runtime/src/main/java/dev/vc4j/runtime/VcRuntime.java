package dev.vc4j.runtime;

import dev.vc4j.StoreRoots;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vc-runtime: an OCI runtime command line with runc's commands, flags, messages and exit codes, which runs each
 * container in its own vc4j VM. Engines (podman through conmon, containerd's runc shim, CRI-O) call it as they
 * call runc. Global flags come before the command; a command's flags come before its arguments, as in runc.
 */
public final class VcRuntime {
    static final String OCI_VERSION = "1.0.2";
    static final String VERSION = "0.1.0";

    private static final Flags GLOBAL_FLAGS = new Flags()
            .value("root", null, "DIR", "Directory of the containers' state (default: " + RuntimeRoot.DEFAULT + ").")
            .value("log", null, "FILE", "Log file (default: errors only, on stderr).")
            .value("log-format", null, "FORMAT", "text or json (runc's lines: level, msg, time).")
            .bool("debug", null, "Log debug messages.")
            .bool("systemd-cgroup", null, "Accepted for runc compatibility: cgroups are the guest's.")
            .value(
                    "store-root",
                    null,
                    "DIR",
                    "vc4j's store: DIR/run and DIR/config (default: /run/vc4j, /var/lib/vc4j).")
            .bool("version", "v", "Print the version.");

    private final Path root;
    private final Path log;
    private final boolean jsonLog;
    private final boolean debug;
    private final Path storeRoot;

    private VcRuntime(Arguments global) {
        this.root = global.value("root").map(Path::of).orElse(RuntimeRoot.DEFAULT);
        this.log = global.path("log");
        this.jsonLog =
                global.choice("log-format", "text", List.of("text", "json")).equals("json");
        this.debug = global.flag("debug");
        this.storeRoot = global.path("store-root");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        try {
            Arguments global = Arguments.parse(GLOBAL_FLAGS, List.of(args));
            VcRuntime runtime = new VcRuntime(global);
            RuntimeLog.install(new RuntimeLog(runtime.log, runtime.jsonLog, runtime.debug));
            List<String> rest = global.positionals();
            if (global.flag("version")) {
                System.out.println("vc-runtime version " + VERSION);
                System.out.println("spec: " + OCI_VERSION);
                return 0;
            }
            if (global.flag("help")) {
                printUsage(System.out);
                return 0;
            }
            if (rest.isEmpty()) {
                printUsage(System.err);
                throw new RuntimeFailure("a command is required");
            }
            RuntimeCommand command = CommandTable.named(rest.get(0))
                    .orElseThrow(() -> new RuntimeFailure("No help topic for '" + rest.get(0) + "'"));
            Arguments own = Arguments.parse(command.flags(), rest.subList(1, rest.size()));
            if (own.flag("help")) {
                command.printUsage(System.out);
                return 0;
            }
            command.checkArguments(own.positionals());
            return command.body().run(runtime, own);
        } catch (Exception e) {
            RuntimeLog.current().error(Errors.message(e));
            return 1;
        }
    }

    private static void printUsage(PrintStream out) {
        out.println("NAME:");
        out.println("   vc-runtime - runs OCI containers in VMs (vc4j), with runc's command line");
        out.println();
        out.println("USAGE:");
        out.println("   vc-runtime [global options] command [command options] [arguments...]");
        out.println();
        out.println("COMMANDS:");
        CommandTable.printCommands(out);
        out.println();
        out.println("GLOBAL OPTIONS:");
        GLOBAL_FLAGS.printUsage(out);
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
        flags.add("--log-format=" + (jsonLog ? "json" : "text"));
        if (debug) {
            flags.add("--debug");
        }
        if (storeRoot != null) {
            flags.addAll(List.of("--store-root", storeRoot.toAbsolutePath().toString()));
        }
        return flags;
    }
}
