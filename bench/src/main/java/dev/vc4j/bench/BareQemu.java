package dev.vc4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * QEMU with the guest image and nothing vc4j adds: the VM under the benchmarks' baselines. Its machine, CPU,
 * memory, firmware, kernel, initrd and kernel command line are read from a sandbox's running QEMU, so the
 * baseline boots exactly what the sandbox booted; of the devices it keeps only the agent's virtio-serial port.
 */
final class BareQemu {
    /** The guest's init prints this once its modules are loaded, just before it starts the agent. */
    static final String INIT_MARKER = "vc4j-init: ready";

    private static final Set<String> KEPT_OPTIONS =
            Set.of("-machine", "-accel", "-cpu", "-m", "-smp", "-kernel", "-initrd", "-append", "-bios", "-sandbox");
    private static final Set<String> KEPT_FLAGS = Set.of("-nodefaults", "-no-user-config", "-no-reboot");
    private static final Duration BOOT = Duration.ofMinutes(2);

    /** B0 and B1 of one boot: process start to the init marker, and QEMU's memory at that moment. */
    record Boot(double millis, ProcMemory memory) {}

    private BareQemu() {}

    /**
     * The bare argv for the VM {@code sandboxArgv} started: the guest console into {@code dir}/console.log, the
     * agent's port on {@code dir}/agent.sock.
     */
    static List<String> argv(List<String> sandboxArgv, Path dir) {
        List<String> argv = new ArrayList<>(List.of(sandboxArgv.get(0)));
        for (int i = 1; i < sandboxArgv.size(); i++) {
            String arg = sandboxArgv.get(i);
            if (KEPT_FLAGS.contains(arg)) {
                argv.add(arg);
            } else if (KEPT_OPTIONS.contains(arg) && i + 1 < sandboxArgv.size()) {
                argv.add(arg);
                argv.add(sandboxArgv.get(++i));
            }
        }
        argv.addAll(List.of(
                "-display",
                "none",
                "-serial",
                "file:" + dir.resolve("console.log"),
                "-device",
                "virtio-serial-pci,id=vser0",
                "-chardev",
                "socket,id=agent,path=" + dir.resolve("agent.sock") + ",server=on,wait=off",
                "-device",
                "virtserialport,bus=vser0.0,chardev=agent,name=agent.0"));
        return argv;
    }

    /** Boots the bare VM until its init's marker, reads its memory there, and kills it. */
    static Boot bootToMarker(List<String> sandboxArgv) throws IOException, InterruptedException {
        Path dir = TempDirs.create("vc4j-bench-bare");
        Path console = dir.resolve("console.log");
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(argv(sandboxArgv, dir))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        try {
            long deadline = start + BOOT.toNanos();
            while (!reached(console)) {
                if (!qemu.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bare QEMU did not reach its init's marker: "
                            + read(dir.resolve("qemu.log")) + read(console));
                }
                Thread.sleep(5);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            return new Boot(millis, ProcMemory.of(qemu.pid()));
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
            TempDirs.remove(dir);
        }
    }

    private static boolean reached(Path console) throws IOException {
        return read(console).contains(INIT_MARKER);
    }

    private static String read(Path file) throws IOException {
        // the console may hold bytes that are not UTF-8
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
    }
}
