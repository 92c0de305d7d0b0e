package dev.vc4j.it.engines;

import dev.vc4j.it.HostRootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Debian's podman with everything of its own in a temporary directory: storage (graph root and run root), its
 * containers.conf, its temporary files and event log. It never reads or changes the host's podman state. The
 * runtime under test is registered in that containers.conf by path, with JSON logs, and is podman's default.
 */
final class PodmanEngine implements AutoCloseable {
    /** A VM boot under TCG on a busy 2-core machine: seconds, with a wide margin. */
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Path dir;
    private final Map<String, String> environment;

    private PodmanEngine(Path dir, EngineRuntime runtime) throws IOException {
        this.dir = dir;
        Files.writeString(dir.resolve("storage.conf"), storageConf(dir));
        Files.writeString(dir.resolve("containers.conf"), containersConf(dir, runtime));
        environment = Map.of(
                "CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString(),
                "CONTAINERS_CONF", dir.resolve("containers.conf").toString());
    }

    /**
     * A podman whose state lives under a new directory in /tmp. Not deeper: with a storage path of about 60
     * characters, podman 4.3's {@code run --rm} waits 20 s for an exit code its cleanup process never records.
     */
    static PodmanEngine create(EngineRuntime runtime) throws IOException {
        return new PodmanEngine(Files.createTempDirectory(Path.of("/tmp"), "vc4j-podman"), runtime);
    }

    /**
     * Imports a busybox root file system (Debian's busybox-static, as {@link HostRootfs} lays it out) as the image
     * {@code name}, offline: a tarball and {@code podman import}.
     */
    void importBusybox(String name) throws IOException, InterruptedException {
        Path rootfs = HostRootfs.make(dir.resolve("busybox-rootfs"));
        Path tarball = dir.resolve("busybox.tar");
        try {
            Command tar = Command.run(
                    Map.of(),
                    "",
                    DEADLINE,
                    List.of("tar", "--numeric-owner", "-C", rootfs.toString(), "-cf", tarball.toString(), "."));
            assertEquals(0, tar.exitCode(), tar.describe());
            ok("import", tarball.toString(), name);
        } finally {
            HostRootfs.remove(rootfs);
            Files.deleteIfExists(tarball);
        }
    }

    /** Saves image {@code name} as an OCI archive, the form {@code ctr image import} takes. */
    Path saveOciArchive(String name, Path archive) throws IOException, InterruptedException {
        ok("save", "--format", "oci-archive", "-o", archive.toString(), name);
        return archive;
    }

    /** {@code podman ARGS} with no input. */
    Command podman(String... args) throws IOException, InterruptedException {
        return podmanWithInput("", args);
    }

    /** {@code podman ARGS} with {@code stdin} as its input. */
    Command podmanWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return Command.run(environment, stdin, DEADLINE, command);
    }

    /** {@code podman ARGS}, which must succeed; returns its stdout without the trailing newline. */
    String ok(String... args) throws IOException, InterruptedException {
        Command result = podman(args);
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout().strip();
    }

    /**
     * Removes every container and image, then the directory. Not {@code system reset}: that also deletes the
     * host's network definitions. A mount left under the directory fails the test rather than being removed with it.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            ok("rm", "--all", "--force", "--time", "0");
            ok("rmi", "--all", "--force");
            List<String> mounts = Mounts.under(dir);
            assertEquals(List.of(), mounts, "podman left mounts under its storage");
        } finally {
            HostRootfs.remove(dir);
        }
    }

    private static String storageConf(Path dir) {
        return "[storage]\n"
                + "driver = \"overlay\"\n"
                + "graphroot = " + Toml.string(dir.resolve("root")) + "\n"
                + "runroot = " + Toml.string(dir.resolve("run")) + "\n";
    }

    /**
     * No systemd on a test host: cgroupfs and a file event log. Networks: netavark, with podman's built-in default
     * network (bridge podman0, 10.88.0.0/16) and any other definition kept in the directory, not the host's. The default ulimits are podman's raise of nofile
     * and nproc to the kernel's maximum otherwise, which root without CAP_SYS_RESOURCE (as in a sandboxed CI
     * machine) may not do; these are under every host's limits.
     */
    private static String containersConf(Path dir, EngineRuntime runtime) {
        String name = Toml.string(runtime.name());
        return "[containers]\n"
                + "default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n"
                + "log_driver = \"k8s-file\"\n"
                + "[network]\n"
                + "network_backend = \"netavark\"\n"
                + "network_config_dir = " + Toml.string(dir.resolve("networks")) + "\n"
                + "[engine]\n"
                + "cgroup_manager = \"cgroupfs\"\n"
                + "events_logger = \"file\"\n"
                + "events_logfile_path = " + Toml.string(dir.resolve("events.log")) + "\n"
                + "tmp_dir = " + Toml.string(dir.resolve("tmp")) + "\n"
                + "volume_path = " + Toml.string(dir.resolve("volumes")) + "\n"
                + "runtime = " + name + "\n"
                + "runtime_supports_json = [" + name + "]\n"
                + "conmon_env_vars = [" + conmonEnvironment(runtime) + "]\n"
                + "[engine.runtimes]\n"
                + name + " = [" + Toml.string(runtime.binary()) + "]\n";
    }

    /** conmon's environment, which the runtime inherits: podman's default PATH and what the runtime needs. */
    private static String conmonEnvironment(EngineRuntime runtime) {
        List<String> variables =
                new ArrayList<>(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        runtime.environment().forEach((key, value) -> variables.add(key + "=" + value));
        return String.join(", ", variables.stream().map(Toml::string).toList());
    }
}
