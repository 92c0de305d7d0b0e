package dev.vc4j.bench;

import dev.vc4j.AgentConfig;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor under the agent's byte streams: a bare QEMU with the guest image and a second virtio-serial port,
 * {@code bench.0}, beside the agent's. The agent only starts the guest's side of a measurement (a shell command);
 * the bytes themselves go between the guest's port and a plain JDK read or write of the host's chardev socket,
 * with no agent and no gRPC on the way.
 */
final class RawVirtioSerial implements AutoCloseable {
    private static final String PORT = "/dev/virtio-ports/bench.0";
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofMinutes(10);
    private static final int CHUNK = 64 * 1024;

    private final Path dir;
    private final java.lang.Process qemu;
    private final AgentSession agent;
    private final SocketChannel port;
    private CompletableFuture<ExecResult> echo;

    private RawVirtioSerial(Path dir, java.lang.Process qemu, AgentSession agent, SocketChannel port) {
        this.dir = dir;
        this.qemu = qemu;
        this.agent = agent;
        this.port = port;
    }

    /** Boots the bare VM of the sandbox that ran {@code sandboxArgv}, and waits for its agent. */
    static RawVirtioSerial boot(List<String> sandboxArgv) throws IOException {
        Path dir = TempDirs.create("vc4j-bench-serial");
        List<String> argv = BareQemu.argv(sandboxArgv, dir);
        argv.addAll(List.of(
                "-chardev",
                "socket,id=bench,path=" + dir.resolve("bench.sock") + ",server=on,wait=off",
                "-device",
                "virtserialport,bus=vser0.0,chardev=bench,name=bench.0"));
        java.lang.Process qemu = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        AgentSession agent = null;
        try {
            agent = new GrpcAgent().connect(dir.resolve("agent.sock"), AgentConfig.defaults(), BOOT, () -> {
                if (!qemu.isAlive()) {
                    throw new IllegalStateException("the bare QEMU exited: " + log(dir.resolve("qemu.log")));
                }
            });
            SocketChannel port = SocketChannel.open(StandardProtocolFamily.UNIX);
            port.connect(UnixDomainSocketAddress.of(dir.resolve("bench.sock")));
            return new RawVirtioSerial(dir, qemu, agent, port);
        } catch (IOException | RuntimeException e) {
            if (agent != null) {
                agent.close();
            }
            stop(qemu, dir);
            throw e;
        }
    }

    /** Seconds from asking the guest to write {@code bytes} of /dev/zero into its port until the host read them. */
    double streamSeconds(long bytes) throws IOException {
        long start = System.nanoTime();
        CompletableFuture<ExecResult> writer = run("head -c " + bytes + " /dev/zero > " + PORT);
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        for (long left = bytes; left > 0; ) {
            buffer.clear().limit((int) Math.min(CHUNK, left));
            int n = port.read(buffer);
            if (n < 0) {
                throw new IOException("the guest's port closed with " + left + " bytes to go");
            }
            left -= n;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(writer.join());
        return seconds;
    }

    /** Starts a {@code cat} in the guest that echoes what arrives on its port, and waits for its first echo. */
    void startEcho() throws IOException {
        echo = run("cat 0<>" + PORT + " 1>&0");
        echoMillis(1);
    }

    /** Milliseconds for {@code bytes} to go to the guest's echo and come back whole. */
    double echoMillis(int bytes) throws IOException {
        long start = System.nanoTime();
        CompletableFuture<Void> out = CompletableFuture.runAsync(() -> {
            try {
                ByteBuffer data = ByteBuffer.allocate(bytes);
                while (data.hasRemaining()) {
                    port.write(data);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ByteBuffer back = ByteBuffer.allocate(bytes);
        while (back.hasRemaining()) {
            if (port.read(back) < 0) {
                throw new IOException("the guest's port closed with " + back.remaining() + " bytes to come");
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        out.join();
        return millis;
    }

    private CompletableFuture<ExecResult> run(String shell) {
        return CompletableFuture.supplyAsync(() -> agent.runProcess(
                GuestCommand.builder().args("sh", "-c", shell).timeout(COMMAND).build()));
    }

    private static void check(ExecResult r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("the guest's side failed (" + r.exitCode() + "): " + r.stderrText());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            agent.close(); // fails the echo's call, if any: the VM goes with it
            port.close();
        } finally {
            stop(qemu, dir);
        }
        if (echo != null) {
            echo.handle((r, e) -> null).join();
        }
    }

    private static void stop(java.lang.Process qemu, Path dir) throws IOException {
        qemu.destroyForcibly();
        try {
            qemu.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.remove(dir);
    }

    private static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
