package dev.vc4j.agent;

import dev.vc4j.AlreadyExistsException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessIo;
import dev.vc4j.spi.ProcessSpec;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.StorageSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers run by crun through the real agent in host mode (as root, on this host's kernel): the process,
 * stdio and signal paths that the VM tests repeat in the guest. cgroup v2 reads (stats, ps, OOM) are VM-only.
 */
class HostModeContainerTest extends HostModeFixture {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Path rootfs;
    private String id;
    private int serial;

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

    private void create(boolean terminal, String... args) {
        session.createContainer(ContainerSpec.builder(id, OciSpecs.container(id, terminal, 0, List.of(args)))
                .rootfsPath(rootfs.toString()).terminal(terminal).build());
    }

    private void run(String... args) {
        create(false, args);
        session.startContainer(id);
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private String exec(boolean terminal, String... args) {
        String execId = "e" + serial++;
        session.execProcess(id, new ProcessSpec(execId, OciSpecs.process(terminal, List.of(args)), terminal));
        return execId;
    }

    @Test
    void echoHelloPrintsHelloAndExitsZero() throws IOException {
        run("echo", "hello");
        try (ProcessIo io = session.processIo(id, "", WAIT)) {
            assertEquals("hello\n", readAll(io.stdout()));
            assertEquals("", readAll(io.stderr()));
            assertEquals(new ProcessExit(0, 0, false), io.waitFor(WAIT));
        }
        session.removeContainer(id);
        assertThrows(NotFoundException.class, () -> session.startContainer(id));
    }

    @Test
    void exitCodeOfTheInitProcessIsKept() {
        run("sh", "-c", "echo oops >&2; exit 7");
        assertEquals(7, session.waitProcess(id, "", WAIT).exitCode());
        // read after the exit: the output waited in the agent
        assertEquals("oops\n", new String(session.readStderr(id, "", 100, WAIT).data(), StandardCharsets.UTF_8));
        assertEquals(7, session.waitProcess(id, "", WAIT).exitCode());
        session.removeContainer(id);
    }

    @Test
    void processStatusHasTheInitPidAtOnceAndItsExitOnceItEnded() throws IOException {
        run("sh", "-c", "read line; exit 9");
        ProcessStatus running = session.processStatus(id, "");
        assertTrue(running.pid() > 0, running.toString());
        assertFalse(running.exited(), running.toString());
        String cmdline = Files.readString(Path.of("/proc", Integer.toString(running.pid()), "cmdline"));
        assertTrue(cmdline.startsWith("sh\0-c\0read line"), cmdline);
        session.closeStdin(id, "");
        assertEquals(9, session.waitProcess(id, "", WAIT).exitCode());
        ProcessStatus ended = session.processStatus(id, "");
        assertEquals(new ProcessStatus(running.pid(), new ProcessExit(9, 0, false)), ended);
        session.removeContainer(id);
    }

    @Test
    void sigtermEndsAnExecWith143AndExecsHaveTheirOwnExitCodes() {
        run("sleep", "1000");
        String sleeper = exec(false, "sleep", "1000");
        String failing = exec(false, "sh", "-c", "exit 3");
        assertEquals(3, session.waitProcess(id, failing, WAIT).exitCode());
        session.signalProcess(id, sleeper, 15, false);
        assertEquals(new ProcessExit(143, 15, false), session.waitProcess(id, sleeper, WAIT));
        session.removeContainer(id);
    }

    @Test
    void oneMebibyteThroughCatArrivesUnchanged() throws Exception {
        run("cat");
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        try (ProcessIo io = session.processIo(id, "", WAIT)) {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return io.stdout().readAllBytes();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            io.stdin().write(data);
            io.stdin().close();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                    MessageDigest.getInstance("SHA-256").digest(out.get()));
            assertEquals(0, io.waitFor(WAIT).exitCode());
        }
        session.removeContainer(id);
    }

    @Test
    void aTerminalProcessSeesItsWindowSizeChange() throws IOException {
        run("sleep", "1000");
        String shell = exec(true, "sh", "-c", "stty size; read line; stty size");
        try (ProcessIo io = session.processIo(id, shell, WAIT)) {
            io.resizeTty(40, 100);
            io.stdin().write("\n".getBytes(StandardCharsets.UTF_8));
            String out = readAll(io.stdout());
            assertTrue(out.contains("40 100"), out);
            assertEquals(0, io.waitFor(WAIT).exitCode());
        }
        session.removeContainer(id);
    }

    @Test
    void removeKillsWhatStillRuns() {
        run("sleep", "1000");
        exec(false, "sleep", "1000");
        session.removeContainer(id);
        assertThrows(NotFoundException.class, () -> session.waitProcess(id, "", WAIT));
    }

    @Test
    void copyFileWritesUnderTheSharedDirectoryOnly() throws IOException {
        session.copyFile("etc/hosts", "127.0.0.1 x\n".getBytes(StandardCharsets.UTF_8), 0600);
        Path written = dir.resolve("agent-state/shared/etc/hosts");
        assertEquals("127.0.0.1 x\n", Files.readString(written));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(written)));
        InvalidConfigException escape = assertThrows(InvalidConfigException.class,
                () -> session.copyFile("../outside", new byte[1], 0));
        assertEquals("path", escape.field());
        assertFalse(Files.exists(dir.resolve("agent-state/outside")));
    }

    @Test
    void aDriveThatNeverAppearsIsATimeoutNamingItsSerialAtTheEndOfItsWait() {
        Duration wait = Duration.ofMillis(1500);
        ContainerSpec spec = ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of("true")))
                .storage(StorageSpec.block("vc4j-never-plugged", "ext4", "rootfs", wait)).build();
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
        InvalidConfigException bad = assertThrows(InvalidConfigException.class,
                () -> session.createContainer(ContainerSpec.builder("../escape", "{}").rootfsPath("/").build()));
        assertEquals("container.id", bad.field());
        run("sleep", "1000");
        assertThrows(AlreadyExistsException.class, () -> create(false, "true"));
        InvalidConfigException noRoot = assertThrows(InvalidConfigException.class,
                () -> session.createContainer(ContainerSpec.builder("other", "{}").build()));
        assertTrue(noRoot.getMessage().contains("rootfs"), noRoot.getMessage());
        assertFalse(Files.exists(dir.resolve("agent-state/other")), "a rejected container left its directory");
        session.removeContainer(id);
    }
}
