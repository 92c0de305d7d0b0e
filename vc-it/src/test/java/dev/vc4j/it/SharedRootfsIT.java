package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ContainerState;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers from a busybox directory that lies in no volume (none is declared): the host mounts it in the
 * sandbox's shared directory, the guest runs it from there, and every delete takes its mount away.
 */
class SharedRootfsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path rootfs;
    private static VirtContainers vc;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-shared-rootfs"));
        vc = TestStore.virtContainers();
        sandbox = vc.createSandbox(
                SandboxConfig.builder().id(TestStore.uniqueId("shared")).build());
    }

    @AfterAll
    static void deleteTheSandboxLeavingNoMountQemuOrDirectory() throws Exception {
        try {
            long qemuPid = sandbox.status().hypervisorPid();
            if (sandbox.status().state() == SandboxState.RUNNING) { // started again by a test
                sandbox.stop(StopMode.IMMEDIATE);
            }
            TestStore.deleteLeavingNothing(sandbox);
            assertEquals(List.of(), TestStore.mountsUnder(TestStore.ROOT), "mounts under the store roots");
            assertFalse(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false), "QEMU still runs");
        } finally {
            HostRootfs.remove(rootfs);
        }
    }

    private static Path sharedDir() {
        return StoreFiles.runDir(sandbox.id()).resolve("shared");
    }

    private static Container create(Rootfs root, String... args) {
        return sandbox.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .rootfs(root)
                .cmd(Cmd.builder().args(args).build())
                .build());
    }

    @Test
    void aContainerFromADirectoryInNoVolumeCreatesStartsPrintsExitsAndDeletes() throws Exception {
        Container c = create(Rootfs.directory(rootfs), "echo", "hello");
        assertEquals(
                List.of(sharedDir()
                        .resolve(c.id())
                        .resolve("rootfs")
                        .toRealPath()
                        .toString()),
                TestStore.mountsUnder(sharedDir().resolve(c.id())));

        try (ContainerProcess p = c.process()) {
            c.start();
            assertEquals("hello\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, p.waitFor(WAIT));
        }
        assertEquals(0, c.waitForExit(WAIT));
        c.delete();

        assertEquals(List.of(), TestStore.mountsUnder(sharedDir().resolve(c.id())));
        assertFalse(Files.exists(sharedDir().resolve(c.id())));
        assertTrue(Files.exists(rootfs.resolve("bin/busybox")), "the rootfs itself stays");
    }

    @Test
    void aReadOnlyRootfsCannotBeWrittenFromTheContainer() throws Exception {
        Container c = create(
                Rootfs.directory(rootfs).readOnly(),
                "sh",
                "-c",
                "cat /bin/busybox > /dev/null && echo read; touch /written 2>&1; exit 3");
        try (ContainerProcess p = c.process()) {
            c.start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.startsWith("read\n") && out.contains("Read-only file system"), out);
            assertEquals(3, p.waitFor(WAIT));
        }
        assertEquals(3, c.waitForExit(WAIT));
        assertFalse(Files.exists(rootfs.resolve("written")));
        c.delete();
        assertEquals(List.of(), TestStore.mountsUnder(sharedDir().resolve(c.id())));
    }

    @Test
    void aSecondSandboxObjectDeletesTheContainerAndItsMount() throws Exception {
        Container c = create(Rootfs.directory(rootfs), "true");
        assertEquals(ContainerState.READY, c.status().state());
        sandbox.close(); // one client at a time on the VM's agent channel

        try (Sandbox other = vc.fetchSandbox(sandbox.id())) {
            other.container(c.id()).delete();
        }

        assertEquals(List.of(), TestStore.mountsUnder(sharedDir().resolve(c.id())));
        assertFalse(Files.exists(sharedDir().resolve(c.id())));
    }

    @Test
    void aStoppedSandboxKeepsTheRootfsMountedAndItsNewVmRunsTheContainerAgain() throws Exception {
        Container c = create(Rootfs.directory(rootfs), "sh", "-c", "echo run; exit 5");
        c.start();
        assertEquals(5, c.waitForExit(WAIT));
        Path inShare = sharedDir().resolve(c.id()).resolve("rootfs");

        sandbox.stop(StopMode.IMMEDIATE);
        assertEquals(List.of(inShare.toRealPath().toString()), TestStore.mountsUnder(inShare));
        sandbox.start();
        c.start(); // creates it again in the new VM, which keeps its output from then on
        try (ContainerProcess p = c.process()) {
            assertEquals("run\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
        }

        assertEquals(5, c.waitForExit(WAIT));
        c.delete();
        assertEquals(List.of(), TestStore.mountsUnder(sharedDir().resolve(c.id())));
    }
}
