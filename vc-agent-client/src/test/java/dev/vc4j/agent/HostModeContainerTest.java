package dev.vc4j.agent;

import dev.vc4j.AlreadyExistsException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.oci.Spec;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessSpec;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.StorageSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers run by crun through the real agent in host mode (as root, on this host's kernel): the process,
 * stdio and signal paths of {@link AgentContainerContract}, which the VM tests run in the guest, and what only
 * a host can check. cgroup v2 reads (stats, ps, OOM) are VM-only.
 */
class HostModeContainerTest extends HostModeFixture implements AgentContainerContract {
    private static Path rootfs;
    private String id;

    @BeforeAll
    static void busyboxRootfs() throws IOException, InterruptedException {
        rootfs = dir.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("dev"));
        Files.createDirectories(rootfs.resolve("proc"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Process list = new ProcessBuilder(bin.resolve("busybox").toString(), "--list").start();
        // relative links: busybox --install -s would point them at this host's path of the binary
        for (String applet : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        assertEquals(0, list.waitFor());
    }

    @BeforeEach
    void connectWithFreshId() {
        session = connect();
        id = "c" + System.nanoTime();
    }

    @Override
    public AgentSession session() {
        return session;
    }

    @Override
    public String rootfsPath() {
        return rootfs.toString();
    }

    @Override
    public String containerId() {
        return id;
    }

    private void create(String... args) {
        session.createContainer(ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of(args)))
                .rootfsPath(rootfs.toString())
                .build());
    }

    private void run(String... args) {
        create(args);
        session.startContainer(id);
    }

    @Test
    void processStatusHasTheInitPidAtOnceAndItsExitOnceItEnded() throws IOException, InterruptedException {
        run("sh", "-c", "read line; exit 9");
        ProcessStatus running = session.processStatus(id, "");
        assertTrue(running.pid() > 0, running.toString());
        assertFalse(running.exited(), running.toString());
        // crun start returns once it has told the container's init to exec: the exec itself may follow it
        Path proc = Path.of("/proc", Integer.toString(running.pid()), "cmdline");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String cmdline = Files.readString(proc);
        while (!cmdline.startsWith("sh\0-c\0read line") && System.nanoTime() < deadline) {
            Thread.sleep(10);
            cmdline = Files.readString(proc);
        }
        assertTrue(cmdline.startsWith("sh\0-c\0read line"), cmdline);
        session.closeStdin(id, "");
        assertEquals(9, session.waitProcess(id, "", WAIT).exitCode());
        ProcessStatus ended = session.processStatus(id, "");
        assertEquals(new ProcessStatus(running.pid(), new ProcessExit(9, 0, false)), ended);
        session.removeContainer(id);
    }

    @Test
    void removeKillsWhatStillRuns() {
        run("sleep", "1000");
        session.execProcess(id, new ProcessSpec("sleeper", OciSpecs.process(false, List.of("sleep", "1000")), false));
        session.removeContainer(id);
        assertThrows(NotFoundException.class, () -> session.waitProcess(id, "", WAIT));
    }

    @Test
    void copyFileWritesUnderTheSharedDirectoryOnly() throws IOException {
        session.copyFile("etc/hosts", "127.0.0.1 x\n".getBytes(StandardCharsets.UTF_8), 0600);
        Path written = dir.resolve("agent-state/shared/etc/hosts");
        assertEquals("127.0.0.1 x\n", Files.readString(written));
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        InvalidConfigException escape =
                assertThrows(InvalidConfigException.class, () -> session.copyFile("../outside", new byte[1], 0));
        assertEquals("path", escape.field());
        assertFalse(Files.exists(dir.resolve("agent-state/outside")));
    }

    @Test
    void aDriveThatNeverAppearsIsATimeoutNamingItsSerialAtTheEndOfItsWait() {
        Duration wait = Duration.ofMillis(1500);
        ContainerSpec spec = ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of("true")))
                .storage(StorageSpec.block("vc4j-never-plugged", "ext4", "rootfs", wait))
                .build();
        long start = System.nanoTime();
        VcTimeoutException timeout = assertThrows(VcTimeoutException.class, () -> session.createContainer(spec));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(timeout.getMessage().contains("drive `vc4j-never-plugged`"), timeout.getMessage());
        assertEquals(wait, timeout.deadline());
        assertTrue(took.compareTo(wait) >= 0 && took.compareTo(wait.plusSeconds(5)) < 0, took.toString());
        assertThrows(NotFoundException.class, () -> session.removeContainer(id));
        assertFalse(Files.exists(dir.resolve("agent-state/" + id)), "a container that never was left its directory");
    }

    @Test
    void badIdsAndDuplicatesAreTypedErrors() {
        InvalidConfigException bad = assertThrows(
                InvalidConfigException.class,
                () -> session.createContainer(
                        ContainerSpec.builder("../escape", Spec.builder().build())
                                .rootfsPath("/")
                                .build()));
        assertEquals("container.id", bad.field());
        run("sleep", "1000");
        AlreadyExistsException exists = assertThrows(AlreadyExistsException.class, () -> create("true"));
        assertEquals("container", exists.kind());
        assertEquals(id, exists.id());
        String execId = "sleeper";
        session.execProcess(id, new ProcessSpec(execId, OciSpecs.process(false, List.of("sleep", "1000")), false));
        AlreadyExistsException execExists = assertThrows(
                AlreadyExistsException.class,
                () -> session.execProcess(
                        id, new ProcessSpec(execId, OciSpecs.process(false, List.of("true")), false)));
        assertEquals("process", execExists.kind());
        assertEquals(execId, execExists.id());
        NotFoundException noProcess =
                assertThrows(NotFoundException.class, () -> session.waitProcess(id, "e-none", WAIT));
        assertEquals("process", noProcess.kind());
        assertEquals("e-none", noProcess.id());
        InvalidConfigException noRoot = assertThrows(
                InvalidConfigException.class,
                () -> session.createContainer(
                        ContainerSpec.builder("other", Spec.builder().build()).build()));
        assertTrue(noRoot.getMessage().contains("rootfs"), noRoot.getMessage());
        assertFalse(Files.exists(dir.resolve("agent-state/other")), "a rejected container left its directory");
        session.removeContainer(id);
    }
}
