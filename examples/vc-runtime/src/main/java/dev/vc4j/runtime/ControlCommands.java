package dev.vc4j.runtime;

import dev.vc4j.ContainerResources;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Signal;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.runtime.ShimProtocol.Reply;
import dev.vc4j.runtime.ShimProtocol.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Command(name = "kill", description = "Send a signal (default SIGTERM) to the container's process.")
    static class Kill extends ContainerCommand {

        @Option(
                names = {"--all", "-a"},
                description = "Signal every process of the container.")
        boolean all;

        @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "SIGTERM")
        String signal;

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

    /** A command that is one shim request named after it, on a container that is not stopped. */
    abstract static class ShimRequestCommand extends ContainerCommand {
        private final String op;

        ShimRequestCommand(String op) {
            this.op = op;
        }

        @Override
        public Integer call() {
            callShim(runtime, live(runtime, id), Request.of(op));
            return 0;
        }
    }

    @Command(name = "pause", description = "Freeze the container's processes.")
    static class Pause extends ShimRequestCommand {
        Pause() {
            super("pause");
        }
    }

    @Command(name = "resume", description = "Let a paused container run again.")
    static class Resume extends ShimRequestCommand {
        Resume() {
            super("resume");
        }
    }

    @Command(name = "update", description = "Change the cgroup limits of a running container.")
    static class Update extends ContainerCommand {

        @Option(
                names = {"--resources", "-r"},
                description = "An OCI LinuxResources JSON file; - for stdin.")
        String resources;

        @Option(names = "--memory", description = "Memory limit, in bytes or with k, m, g.")
        String memory;

        @Option(names = "--memory-reservation", description = "Memory soft limit.")
        String memoryReservation;

        @Option(names = "--memory-swap", description = "Memory plus swap limit.")
        String memorySwap;

        @Option(names = "--cpu-shares", description = "CPU shares (relative weight).")
        Long cpuShares;

        @Option(names = "--cpu-quota", description = "CPU time per period, in microseconds.")
        Long cpuQuota;

        @Option(names = "--cpu-period", description = "CPU period, in microseconds.")
        Long cpuPeriod;

        @Option(names = "--cpuset-cpus", description = "CPUs to run on, e.g. 0-2,4.")
        String cpusetCpus;

        @Option(names = "--cpuset-mems", description = "Memory nodes to use.")
        String cpusetMems;

        @Option(names = "--pids-limit", description = "Maximum number of processes.")
        Long pidsLimit;

        @Override
        public Integer call() throws IOException {
            LinuxResources file = resources == null ? null : LinuxResources.parse(readResources(resources));
            var memoryOf = file == null ? null : file.memory();
            var cpuOf = file == null ? null : file.cpu();
            ContainerResources change = new ContainerResources(
                    first(bytes(memory), memoryOf == null ? null : memoryOf.limit()),
                    first(bytes(memoryReservation), memoryOf == null ? null : memoryOf.reservation()),
                    first(bytes(memorySwap), memoryOf == null ? null : memoryOf.swap()),
                    first(cpuShares, cpuOf == null ? null : cpuOf.shares()),
                    first(cpuQuota, cpuOf == null ? null : cpuOf.quota()),
                    first(cpuPeriod, cpuOf == null ? null : cpuOf.period()),
                    first(cpusetCpus, cpuOf == null ? null : cpuOf.cpus()),
                    first(cpusetMems, cpuOf == null ? null : cpuOf.mems()),
                    first(
                            pidsLimit,
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
