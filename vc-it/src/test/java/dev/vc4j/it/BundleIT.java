package dev.vc4j.it;

import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A bundle laid out as an engine does ({@link EngineBundle}) runs through the public API only, and leaves
 * nothing behind: no volume is declared, the rootfs reaches the guest through the sandbox's shared directory.
 */
class BundleIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aBundleRunsItsProcessAndLeavesNothingBehind() throws Exception {
        Path bundles = Files.createTempDirectory("vc4j-it-bundles");
        try {
            Path bundle = EngineBundle.make(bundles.resolve("hello"), spec -> spec, "sh", "-c", "echo hello");
            VirtContainers vc = TestStore.virtContainers();
            Sandbox sandbox = vc.createSandbox(
                    SandboxConfig.builder().id(TestStore.uniqueId("bundle")).build());
            long qemu = sandbox.status().hypervisorPid();
            try {
                Container hello = sandbox.createContainer(
                        ContainerConfig.fromBundle(bundle).id("hello").build());
                try (ContainerProcess process = hello.process()) {
                    hello.start();
                    assertEquals("hello\n", new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(0, process.waitFor(WAIT));
                }
                hello.delete();
            } finally {
                TestStore.deleteLeavingNothing(sandbox);
            }
            assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false), "QEMU still runs");
            assertEquals(List.of(), TestStore.mountsUnder(TestStore.ROOT), "mounts left under the store roots");
        } finally {
            HostRootfs.remove(bundles);
        }
    }
}
