package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A root QEMU's own mount namespace, seen from the host through {@code /proc/<pid>/root} (which resolves paths in
 * the process's mount namespace): another sandbox's run directory is not there, nor the host's private files and
 * device nodes, and the container rootfs binds the host makes after QEMU started do reach it, read-only where
 * asked.
 */
class MountNamespaceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Path rootfs;
    private static Sandbox other;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "only a root QEMU is confined");
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-mountns-rootfs"));
        // stopped, so one VM runs at a time; its run directory (logs, shared directory) stays until delete
        other = sandbox("other");
        other.stop(StopMode.IMMEDIATE);
        sandbox = sandbox("mountns");
    }

    private static Sandbox sandbox(String idPrefix) {
        return TestStore.virtContainers()
                .createSandbox(
                        SandboxConfig.builder().id(TestStore.uniqueId(idPrefix)).build());
    }

    @AfterAll
    static void delete() throws Exception {
        try {
            TestStore.deleteLeavingNothing(other);
        } finally {
            HostRootfs.removeAfter(sandbox, rootfs);
        }
    }

    private static Path proc() {
        return Path.of("/proc", Long.toString(sandbox.status().hypervisorPid()));
    }

    /** {@code hostPath} as QEMU's mount namespace resolves it. */
    private static Path inQemusView(Path hostPath) throws Exception {
        return proc().resolve("root").resolve(hostPath.toRealPath().toString().substring(1));
    }

    @Test
    void qemuHasAMountNamespaceOfItsOwnInWhichOtherSandboxesAreHidden() throws Exception {
        assertNotEquals(
                Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")), Files.readSymbolicLink(proc().resolve("ns/mnt")));
        Path otherRun = StoreFiles.runDir(other.id());
        assertTrue(Files.exists(otherRun.resolve("console.log")), "the host sees the other sandbox's console log");
        assertFalse(Files.exists(inQemusView(otherRun)), "QEMU does not");
        try (var names = Files.list(inQemusView(otherRun.getParent()))) {
            assertEquals(
                    List.of(sandbox.id()),
                    names.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(Files.exists(inQemusView(StoreFiles.runDir(sandbox.id()).resolve("console.log"))));
    }

    @Test
    void theHostsPrivateFilesAndDeviceNodesAreNotInQemusView() throws Exception {
        String name = TestStore.uniqueId("secret");
        List<Path> planted = List.of(Path.of("/root", name), Path.of("/home", name), Path.of("/tmp", name));
        Path node = Path.of("/dev", name);
        try {
            for (Path p : planted) {
                Files.writeString(p, "the host's\n");
            }
            Process mknod = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").start(); // as /dev/null
            assertTrue(mknod.waitFor(10, TimeUnit.SECONDS) && mknod.exitValue() == 0, "mknod");
            for (Path p : planted) {
                assertFalse(Files.exists(inQemusView(p)), p + " is hidden");
            }
            assertFalse(Files.exists(inQemusView(node)), "a device node QEMU was not given");
            for (String hidden : List.of("/etc/passwd", "/var/lib", "/dev/net/tun", "/dev/shm")) {
                assertFalse(Files.exists(proc().resolve("root").resolve(hidden.substring(1))), hidden);
            }
            for (String seen : List.of("/dev/urandom", "/dev/null", "/usr/bin/setpriv")) {
                assertTrue(Files.exists(proc().resolve("root").resolve(seen.substring(1))), seen);
            }
        } finally {
            for (Path p : planted) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(node);
        }
    }

    @Test
    void rootfsBindsMadeAfterQemuStartedReachItReadOnlyWhereAsked() throws Exception {
        String written = TestStore.uniqueId("written");
        assertEquals("ok\n", run(Rootfs.directory(rootfs), "echo x > /" + written + " && echo ok", 0));
        assertTrue(Files.exists(rootfs.resolve(written)), "the writable rootfs took the write");
        String out = run(
                Rootfs.directory(rootfs).readOnly(),
                "cat /bin/busybox > /dev/null && echo read; touch /ro-written 2>&1; exit 3",
                3);
        assertTrue(out.startsWith("read\n") && out.contains("Read-only file system"), out);
        assertFalse(Files.exists(rootfs.resolve("ro-written")));
    }

    /** Runs {@code script} in a container made now, long after QEMU started; returns its output. */
    private static String run(Rootfs root, String script, int exitCode) throws Exception {
        Container c = sandbox.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .rootfs(root)
                .cmd(Cmd.builder().args("sh", "-c", "exec 2>&1; " + script).build())
                .build());
        try (ContainerProcess p = c.process()) {
            c.start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            // the container's exit, recorded: the process's own wait may return before it, and delete reads the record
            assertEquals(exitCode, c.waitForExit(WAIT), out);
            return out;
        } finally {
            c.delete();
        }
    }
}
