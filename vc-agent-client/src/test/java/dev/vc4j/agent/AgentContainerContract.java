package dev.vc4j.agent;

import dev.vc4j.NotFoundException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessIo;
import dev.vc4j.spi.ProcessSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the agent does with a container's processes wherever it runs: the same tests run against the agent in
 * host mode on this host's kernel ({@link HostModeContainerTest}) and against the agent in a VM (vc-it's
 * AgentContainersIT). An implementation gives a connected session, a busybox rootfs the agent can mount and a
 * container id of its own to each test; each test removes its container.
 */
public interface AgentContainerContract {
    /** Long enough for a VM under TCG; a wait returns as soon as its answer is there. */
    Duration WAIT = Duration.ofSeconds(60);

    AgentSession session();

    /** A directory holding busybox and links for its applets, as the agent sees it. */
    String rootfsPath();

    /** The same for the whole of one test, and no other test's. */
    String containerId();

    @Test
    default void echoHelloPrintsHelloAndExitsZero() throws IOException {
        run("echo", "hello");
        try (ProcessIo io = session().processIo(containerId(), "", WAIT)) {
            assertEquals("hello\n", text(io.stdout()));
            assertEquals("", text(io.stderr()));
            assertEquals(new ProcessExit(0, 0, false), io.waitFor(WAIT));
        }
        session().removeContainer(containerId());
        assertThrows(NotFoundException.class, () -> session().startContainer(containerId()));
    }

    @Test
    default void exitCodeOfTheInitProcessIsKept() {
        run("sh", "-c", "echo oops >&2; exit 7");
        assertEquals(7, session().waitProcess(containerId(), "", WAIT).exitCode());
        // read after the exit: the output waited in the agent
        assertEquals(
                "oops\n",
                new String(session().readStderr(containerId(), "", 100, WAIT).data(), StandardCharsets.UTF_8));
        assertEquals(7, session().waitProcess(containerId(), "", WAIT).exitCode());
        session().removeContainer(containerId());
    }

    @Test
    default void sigtermEndsAnExecWith143AndExecsHaveTheirOwnExitCodes() {
        run("sleep", "100000");
        exec("sleeper", false, "sleep", "1000");
        exec("failing", false, "sh", "-c", "exit 3");
        assertEquals(3, session().waitProcess(containerId(), "failing", WAIT).exitCode());
        session().signalProcess(containerId(), "sleeper", 15, false);
        assertEquals(new ProcessExit(143, 15, false), session().waitProcess(containerId(), "sleeper", WAIT));
        session().removeContainer(containerId());
    }

    @Test
    default void oneMebibyteThroughCatArrivesUnchanged() throws Exception {
        run("cat");
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        try (ProcessIo io = session().processIo(containerId(), "", WAIT)) {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return io.stdout().readAllBytes();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            io.stdin().write(data);
            io.stdin().close();
            byte[] back = out.get();
            assertEquals(data.length, back.length);
            assertArrayEquals(
                    MessageDigest.getInstance("SHA-256").digest(data),
                    MessageDigest.getInstance("SHA-256").digest(back));
            assertEquals(0, io.waitFor(WAIT).exitCode());
        }
        session().removeContainer(containerId());
    }

    @Test
    default void aTerminalProcessSeesItsWindowSizeChange() throws IOException {
        run("sleep", "100000");
        exec("shell", true, "sh", "-c", "stty size; read line; stty size");
        try (ProcessIo io = session().processIo(containerId(), "shell", WAIT)) {
            io.resizeTty(33, 111);
            io.stdin().write("\n".getBytes(StandardCharsets.UTF_8));
            String out = text(io.stdout());
            assertTrue(out.contains("33 111"), out);
            assertEquals(0, io.waitFor(WAIT).exitCode());
        }
        session().removeContainer(containerId());
    }

    private void run(String... args) {
        String id = containerId();
        session()
                .createContainer(ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of(args)))
                        .rootfsPath(rootfsPath())
                        .build());
        session().startContainer(id);
    }

    private void exec(String execId, boolean terminal, String... args) {
        session()
                .execProcess(
                        containerId(), new ProcessSpec(execId, OciSpecs.process(terminal, List.of(args)), terminal));
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
