package dev.vc4j.runtime;

import dev.vc4j.ContainerResources;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Signal;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.runtime.ShimProtocol.Reply;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** kill, pause, resume and update: requests to a container's shim. */
final class ControlCommands {
    private ControlCommands() {}

    /** Sends {@code request} to the shim of {@code record}; a container without a shim is not running. */
    static Reply callShim(VcRuntime runtime, RuntimeRecord record, Request request) {
        try (ShimClient shim = ShimClient.connect(runtime.root(), record).orElseThrow(RuntimeFailure::notRunning)) {
            return shim.call(request);
        }
    }

    /** A signal as runc takes one: a number, or a name with or without SIG, in any case. */
    static Signal signal(String text) {
        try {
            return Signal.parse(text);
        } catch (InvalidConfigException e) {
            throw new RuntimeFailure("unknown signal \"" + text + "\"", e);
        }
    }

    /** The record of a container that is not stopped. */
    static RuntimeRecord live(VcRuntime runtime, String id) {
        RuntimeRecord record = runtime.root().load(id);
        if (RuntimeRecord.STOPPED.equals(record.effectiveStatus())) {
            throw RuntimeFailure.notRunning();
        }
        return record;
    }

    static class Kill extends ContainerCommand {
        static final Flags FLAGS = new Flags().bool("all", "a", "Signal every process of the container.");

        final boolean all;
        final String signal;

        Kill(VcRuntime runtime, Arguments arguments) {
            super(runtime, arguments);
            this.all = arguments.flag("all");
            List<String> positionals = arguments.positionals();
            this.signal = positionals.size() > 1 ? positionals.get(1) : "SIGTERM";
        }

        @Override
        public Integer call() {
            Signal parsed = signal(signal);
            callShim(
                    runtime,
                    live(runtime, id),
                    new Request("kill", parsed.number(), all, false, null, null, null, null));
            return 0;
        }
    }

    /** pause and resume: one shim request named after the command, on a container that is not stopped. */
    static int shimRequest(VcRuntime runtime, Arguments arguments, String op) {
        String id = arguments.positionals().get(0);
        callShim(runtime, live(runtime, id), Request.of(op));
        return 0;
    }

    static class Update extends ContainerCommand {
        static final Flags FLAGS = new Flags()
                .value("resources", "r", "FILE", "An OCI LinuxResources JSON file; - for stdin.")
                .value("memory", null, "SIZE", "Memory limit, in bytes or with k, m, g.")
                .value("memory-reservation", null, "SIZE", "Memory soft limit.")
                .value("memory-swap", null, "SIZE", "Memory plus swap limit.")
                .value("cpu-shares", null, "N", "CPU shares (relative weight).")
                .value("cpu-quota", null, "MICROSECONDS", "CPU time per period, in microseconds.")
                .value("cpu-period", null, "MICROSECONDS", "CPU period, in microseconds.")
                .value("cpuset-cpus", null, "CPUS", "CPUs to run on, e.g. 0-2,4.")
                .value("cpuset-mems", null, "NODES", "Memory nodes to use.")
                .value("pids-limit", null, "N", "Maximum number of processes.");

        private final Arguments flags;

        Update(VcRuntime runtime, Arguments arguments) {
            super(runtime, arguments);
            this.flags = arguments;
        }

        @Override
        public Integer call() throws IOException {
            String resources = flags.value("resources").orElse(null);
            LinuxResources file = resources == null ? null : LinuxResources.parse(readResources(resources));
            var memoryOf = file == null ? null : file.memory();
            var cpuOf = file == null ? null : file.cpu();
            ContainerResources change = new ContainerResources(
                    first(bytes(flags.value("memory").orElse(null)), memoryOf == null ? null : memoryOf.limit()),
                    first(
                            bytes(flags.value("memory-reservation").orElse(null)),
                            memoryOf == null ? null : memoryOf.reservation()),
                    first(bytes(flags.value("memory-swap").orElse(null)), memoryOf == null ? null : memoryOf.swap()),
                    first(flags.number("cpu-shares"), cpuOf == null ? null : cpuOf.shares()),
                    first(flags.number("cpu-quota"), cpuOf == null ? null : cpuOf.quota()),
                    first(flags.number("cpu-period"), cpuOf == null ? null : cpuOf.period()),
                    first(flags.value("cpuset-cpus").orElse(null), cpuOf == null ? null : cpuOf.cpus()),
                    first(flags.value("cpuset-mems").orElse(null), cpuOf == null ? null : cpuOf.mems()),
                    first(
                            flags.number("pids-limit"),
                            file == null || file.pids() == null
                                    ? null
                                    : file.pids().limit()));
            try {
                change.validate();
            } catch (InvalidConfigException e) {
                throw new RuntimeFailure(e.getMessage(), e);
            }
            callShim(runtime, live(runtime, id), new Request("update", null, false, false, null, change, null, null));
            return 0;
        }

        private static String readResources(String source) throws IOException {
            return source.equals("-")
                    ? new String(System.in.readNBytes(1 << 20), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(source), StandardCharsets.UTF_8);
        }

        private static <T> T first(T flag, T fromFile) {
            return flag != null ? flag : fromFile;
        }
    }

    /** {@code 512m}, {@code 1g}, {@code 4096}: bytes, as runc's size flags take them. */
    static Long bytes(String size) {
        if (size == null) {
            return null;
        }
        String text = size.strip().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long unit = 1;
        if (!text.isEmpty() && "kmgt".indexOf(text.charAt(text.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmgt".indexOf(text.charAt(text.length() - 1)) + 1));
            text = text.substring(0, text.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(text), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new RuntimeFailure("invalid size \"" + size + "\": a number of bytes, optionally with k, m, g or t");
        }
    }
}
