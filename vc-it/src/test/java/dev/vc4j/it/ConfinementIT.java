package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A sandbox's QEMU as the README's set-up runs it, as root: the kernel's view of the process (its capabilities,
 * its seccomp filter, its argv, its mount namespace), and a container whose rootfs holds files of another owner, which it still reads
 * and writes over 9p.
 */
class ConfinementIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID. */
    private static final String KEPT_MASK = "000000000000001f";

    private static Path rootfs;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "only a root QEMU is confined");
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-confined-rootfs"));
        Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x")); // a temporary dir is 0700
        // a directory and a file only uid 1000 may open: QEMU, uid 0, needs CAP_DAC_OVERRIDE to serve them
        Path home = Files.createDirectory(rootfs.resolve("home1000"));
        Path other = home.resolve("other.txt");
        Files.writeString(other, "of uid 1000\n");
        for (Path p : List.of(home, other)) {
            Files.setAttribute(p, "unix:uid", 1000);
            Files.setAttribute(p, "unix:gid", 1000);
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("confined"))
                        .build());
    }

    @AfterAll
    static void delete() throws Exception {
        HostRootfs.removeAfter(sandbox, rootfs);
    }

    private static String status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }

    @Test
    void qemuRunsWithTheFileCapabilitiesOnlyUnderItsFullSeccompFilterInItsOwnMountNamespace() throws Exception {
        long pid = sandbox.status().hypervisorPid();
        assertTrue(
                Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"))
                        .getFileName()
                        .toString()
                        .startsWith("qemu-system"),
                "the recorded pid is QEMU's");
        assertEquals(KEPT_MASK, status(pid, "CapEff"));
        assertEquals(KEPT_MASK, status(pid, "CapBnd"));
        assertEquals("1", status(pid, "NoNewPrivs"));
        assertEquals("2", status(pid, "Seccomp"));
        assertNotEquals(
                Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/mnt")),
                "a mount namespace of its own (MountNamespaceIT: what it hides and shows)");
        List<String> argv = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                .split("\0"));
        assertEquals(
                "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
                argv.get(argv.indexOf("-sandbox") + 1));
    }

    @Test
    void aContainerOnA9pRootfsReadsAndWritesFilesOfAnotherOwnerThanQemu() throws Exception {
        Container c = sandbox.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .rootfs(Rootfs.directory(rootfs))
                .cmd(Cmd.builder()
                        .args(
                                "sh",
                                "-c",
                                "exec 2>&1; cat /home1000/other.txt && echo more >> /home1000/other.txt"
                                        + " && echo new > /home1000/new.txt && echo ok")
                        .user("1000")
                        .primaryGroup("1000")
                        .build())
                .build());
        try (ContainerProcess p = c.process()) {
            c.start();
            assertEquals("of uid 1000\nok\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, p.waitFor(WAIT));
        }
        c.delete();
        assertEquals("of uid 1000\nmore\n", Files.readString(rootfs.resolve("home1000/other.txt")));
        // QEMU makes the file as uid 0, then gives it to the guest's user: CAP_CHOWN
        assertEquals(1000, Files.getAttribute(rootfs.resolve("home1000/new.txt"), "unix:uid"));
    }
}
