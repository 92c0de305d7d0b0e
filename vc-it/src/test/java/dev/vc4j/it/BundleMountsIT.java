package dev.vc4j.it;

import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.oci.Mount;
import dev.vc4j.oci.Spec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A bundle's bind mounts on a real VM: a read-only host directory and a read-only host file are read and refuse
 * writes with EROFS; a read-write directory's writes reach the host. After the container's delete nothing of it
 * stays mounted.
 */
class BundleMountsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Mount bind(Path source, String destination, String... options) {
        List<String> all = new ArrayList<>(List.of("rbind"));
        all.addAll(List.of(options));
        return Mount.builder()
                .destination(destination)
                .type("bind")
                .source(source.toString())
                .options(all)
                .build();
    }

    @Test
    void readOnlyBindsAreReadAndRefuseWritesAndReadWriteOnesReachTheHost() throws Exception {
        Path bundles = Files.createTempDirectory("vc4j-it-binds");
        try {
            Path roDir = Files.createDirectory(bundles.resolve("ro-dir"));
            Files.writeString(roDir.resolve("in-dir"), "dir-content\n");
            Path roFile = Files.writeString(bundles.resolve("ro-file"), "file-content\n");
            Path rwDir = Files.createDirectory(bundles.resolve("rw-dir"));
            String script = "cat /ro-dir/in-dir /etc/ro-file; for f in /ro-dir/new /etc/ro-file; do "
                    + "(echo w > $f) 2>&1 | grep -q 'Read-only file system' && echo \"$f erofs\"; done; "
                    + "echo written > /rw-dir/out";
            Path bundle = EngineBundle.make(
                    bundles.resolve("binds"),
                    spec -> withMounts(
                            spec,
                            bind(roDir, "/ro-dir", "ro"),
                            bind(roFile, "/etc/ro-file", "ro"),
                            bind(rwDir, "/rw-dir")),
                    "sh",
                    "-c",
                    script);
            Sandbox sandbox = TestStore.virtContainers()
                    .createSandbox(SandboxConfig.builder()
                            .id(TestStore.uniqueId("binds"))
                            .build());
            try {
                Container binds = sandbox.createContainer(
                        ContainerConfig.fromBundle(bundle).id("binds").build());
                try (ContainerProcess process = binds.process()) {
                    binds.start();
                    assertEquals(
                            "dir-content\nfile-content\n/ro-dir/new erofs\n/etc/ro-file erofs\n",
                            new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(0, process.waitFor(WAIT));
                }
                Path shares = StoreFiles.runDir(sandbox.id()).resolve("shared/binds");
                assertEquals(
                        3, TestStore.mountsUnder(shares).size(), "the rootfs and both directories, without a volume");
                binds.delete();
                assertEquals(List.of(), TestStore.mountsUnder(shares), "the container's shares after its delete");
            } finally {
                TestStore.deleteLeavingNothing(sandbox);
            }
            assertEquals(List.of(), TestStore.mountsUnder(TestStore.ROOT), "mounts under the store roots");
            assertEquals("written\n", Files.readString(rwDir.resolve("out")));
            assertEquals("file-content\n", Files.readString(roFile));
        } finally {
            HostRootfs.remove(bundles);
        }
    }

    /** {@code spec} with {@code mounts} after its own, as an engine adds its binds. */
    private static Spec.Builder withMounts(Spec.Builder spec, Mount... mounts) {
        Spec built = spec.build();
        List<Mount> all = new ArrayList<>(built.mounts());
        all.addAll(List.of(mounts));
        return built.toBuilder().mounts(all);
    }
}
