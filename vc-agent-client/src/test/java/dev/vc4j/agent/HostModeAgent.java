package dev.vc4j.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real C agent in its host test mode ({@code vc4j-agent --listen PATH}): the same handshake and HTTP/2 as
 * in the VM, on a unix socket instead of virtio-serial. A missing binary fails the tests; it never skips them.
 */
final class HostModeAgent implements AutoCloseable {
    private static final Path BINARY = Path.of("../guest/agent/build/vc4j-agent");
    private static final String HYBRID_UNIFIED = "/sys/fs/cgroup/unified";

    private final Path socket;
    private final Path log;
    private final Process process;

    private HostModeAgent(Path socket, Path log, Process process) {
        this.socket = socket;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts an agent listening on {@code dir/name.sock}, logging to {@code dir/name.log}, keeping its containers
     * (crun's state too) in {@code dir/name-state}.
     */
    static HostModeAgent start(Path dir, String name) throws IOException {
        assertTrue(
                Files.isExecutable(BINARY),
                "the guest agent is not built at " + BINARY.toAbsolutePath().normalize() + " (make -C guest/agent)");
        Path socket = dir.resolve(name + ".sock");
        Path log = dir.resolve(name + ".log");
        // crun refuses this host's v1 hybrid cgroups: the agent runs in a mount namespace of its own that hides
        // the unified hierarchy, and tells crun to use no cgroups. exec keeps the pid the agent's.
        Process process = new ProcessBuilder(
                        "unshare",
                        "--mount",
                        "sh",
                        "-c",
                        "if [ -d " + HYBRID_UNIFIED + " ]; then mount -t tmpfs none " + HYBRID_UNIFIED
                                + " || exit 1; fi; " + "exec \"$@\"",
                        "sh",
                        BINARY.toString(),
                        "--listen",
                        socket.toString(),
                        "--state-dir",
                        dir.resolve(name + "-state").toString(),
                        "--cgroup-manager",
                        "disabled")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new HostModeAgent(socket, log, process);
    }

    Path socket() {
        return socket;
    }

    Path log() {
        return log;
    }

    void assertAlive() throws IOException {
        assertTrue(process.isAlive(), "the agent died; its log:\n" + Files.readString(log));
    }

    /** Sends a signal, e.g. {@code STOP} to make the agent stall, {@code CONT} to let it go on. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(5, TimeUnit.SECONDS), "the agent did not end on SIGTERM");
    }
}
