package dev.vc4j.it.engines;

import dev.vc4j.it.HostRootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Debian's containerd started by the test: its own configuration, root and state directories and sockets in a
 * temporary directory, the CRI and the snapshotters this host lacks left out. Closing it stops it, ends the shims
 * it left (they are daemons, not its children) and removes the directory.
 */
final class ContainerdDaemon implements AutoCloseable {
    private static final Duration READY_DEADLINE = Duration.ofSeconds(30);

    private final Path dir;
    private final Path socket;
    private final Process daemon;

    private ContainerdDaemon(Path dir, Map<String, String> environment) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("containerd.sock");
        Files.writeString(dir.resolve("config.toml"), config(dir));
        ProcessBuilder builder = new ProcessBuilder(
                        "containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile());
        builder.environment().putAll(environment);
        daemon = builder.start();
    }

    /**
     * Starts a containerd under a new directory in /tmp (short: its sockets are there), with {@code environment}
     * added to this process's (its shims and their runtime inherit it), and waits until it answers.
     */
    static ContainerdDaemon start(Map<String, String> environment) throws IOException, InterruptedException {
        ContainerdDaemon started =
                new ContainerdDaemon(Files.createTempDirectory(Path.of("/tmp"), "vc4j-containerd"), environment);
        try {
            started.awaitReady();
            return started;
        } catch (RuntimeException | Error | IOException | InterruptedException e) {
            started.close();
            throw e;
        }
    }

    /** {@code ctr --address SOCKET ARGS}. */
    Command ctr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString()));
        command.addAll(List.of(args));
        return Command.run(Map.of(), "", PodmanEngine.DEADLINE, command);
    }

    /** Imports an OCI archive, offline. */
    void importImage(Path ociArchive) throws IOException, InterruptedException {
        Command imported = ctr("image", "import", ociArchive.toString());
        assertEquals(0, imported.exitCode(), imported.describe());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            daemon.destroy();
            if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            endShims();
            List<String> mounts = Mounts.under(dir);
            assertEquals(List.of(), mounts, "containerd left mounts under its root");
        } finally {
            HostRootfs.remove(dir);
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (true) {
            if (!daemon.isAlive()) {
                throw new AssertionError("containerd exited " + daemon.exitValue() + ": "
                        + Files.readString(dir.resolve("containerd.log")));
            }
            if (Files.exists(socket) && ctr("version").exitCode() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("containerd did not answer within " + READY_DEADLINE + ": "
                        + Files.readString(dir.resolve("containerd.log")));
            }
            Thread.sleep(100);
        }
    }

    /** The runc shims this daemon started name its socket on their command line; --rm should have ended them. */
    private void endShims() throws InterruptedException {
        List<ProcessHandle> shims = ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(socket.toString()))
                        .orElse(false))
                .toList();
        for (ProcessHandle shim : shims) {
            shim.destroyForcibly();
            shim.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    private static String config(Path dir) {
        return "version = 2\n"
                + "root = " + Toml.string(dir.resolve("root")) + "\n"
                + "state = " + Toml.string(dir.resolve("state")) + "\n"
                + "disabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.btrfs\","
                + " \"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.devmapper\","
                + " \"io.containerd.snapshotter.v1.aufs\"]\n"
                + "[grpc]\n  address = " + Toml.string(dir.resolve("containerd.sock")) + "\n"
                + "[ttrpc]\n  address = " + Toml.string(dir.resolve("containerd.sock.ttrpc")) + "\n"
                + "[debug]\n  address = " + Toml.string(dir.resolve("debug.sock")) + "\n"
                + "[metrics]\n  address = \"\"\n";
    }
}
