package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VcTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How connect fails: against no agent, a silent one, a dying one, and a dead VM. Nothing may stay open. */
class GrpcAgentTest {
    private static final AgentConfig CONFIG = AgentConfig.defaults();
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    @AfterEach
    void noThreadLeftBehind() throws InterruptedException {
        AgentThreads.assertNone();
    }

    @Test
    void nothingListeningIsATimeoutCausedByTheConnectFailure() {
        Path socket = dir.resolve("none.sock");
        long started = System.nanoTime();
        VcTimeoutException e = assertThrows(
                VcTimeoutException.class, () -> new GrpcAgent().connect(socket, CONFIG, TIMEOUT, () -> {}));
        assertElapsedAbout(started, TIMEOUT);
        assertEquals("connect to the agent at " + socket, e.operation());
        assertEquals(TIMEOUT, e.deadline());
        AgentException refused = assertInstanceOf(AgentException.class, e.getCause(), "the connect error is the cause");
        assertTrue(refused.getMessage().contains(socket + ": there is no such socket (ENOENT)"), refused.getMessage());
        assertTrue(
                causes(refused).anyMatch(c -> String.valueOf(c.getMessage()).contains("No such file or directory")),
                "the system's own error is kept");
    }

    @Test
    void aSilentAgentIsATimeoutCausedByTheHandshake() throws IOException {
        Path socket = dir.resolve("silent.sock");
        try (FakeAgentPeer peer = new FakeAgentPeer(socket, (p, nonce) -> FakeAgentPeer.read(p, 1))) {
            long started = System.nanoTime();
            VcTimeoutException e = assertThrows(
                    VcTimeoutException.class, () -> new GrpcAgent().connect(socket, CONFIG, TIMEOUT, () -> {}));
            assertElapsedAbout(started, TIMEOUT);
            assertTrue(causes(e).anyMatch(c -> c.getMessage().contains("handshake")), "the handshake is the cause");
            peer.assertNoErrors();
        }
    }

    @Test
    void anAgentThatHangsUpIsRetriedAndReportedAsTheCause() throws IOException {
        Path socket = dir.resolve("hangup.sock");
        try (FakeAgentPeer peer = new FakeAgentPeer(socket, (p, nonce) -> {})) {
            VcTimeoutException e = assertThrows(
                    VcTimeoutException.class,
                    () -> new GrpcAgent().connect(socket, CONFIG, Duration.ofMillis(1500), () -> {}));
            AgentException hangup = assertInstanceOf(AgentException.class, e.getCause());
            assertEquals("handshake", hangup.rpc());
            assertTrue(peer.accepted() >= 2, "attempts: " + peer.accepted());
            // no assertNoErrors here: the attempt under way when the deadline passes may end before its hello

        }
    }

    @Test
    void aDeadVmEndsTheWaitWithItsOwnException() throws IOException {
        Path socket = dir.resolve("dead.sock");
        HypervisorException died = new HypervisorException("QEMU exited with status 1");
        long started = System.nanoTime();
        try (FakeAgentPeer peer = new FakeAgentPeer(socket, (p, nonce) -> FakeAgentPeer.read(p, 1))) {
            HypervisorException e = assertThrows(
                    HypervisorException.class,
                    () -> new GrpcAgent().connect(socket, CONFIG, Duration.ofSeconds(30), () -> {
                        if (System.nanoTime() - started > 300_000_000L) {
                            throw died;
                        }
                    }));
            assertSame(died, e);
            assertElapsedAbout(started, Duration.ofMillis(300));
            // no assertNoErrors here: the connection may end before its hello, as with any dead VM
        }
    }

    @Test
    void noTimeLeftIsAnImmediateTimeout() {
        VcTimeoutException e = assertThrows(
                VcTimeoutException.class,
                () -> new GrpcAgent().connect(dir.resolve("x.sock"), CONFIG, Duration.ZERO, () -> {}));
        assertEquals(Duration.ZERO, e.deadline());
    }

    @Test
    void anInvalidConfigIsRejectedBeforeAnythingOpens() {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> new GrpcAgent()
                        .connect(dir.resolve("x.sock"), new AgentConfig(Duration.ZERO), TIMEOUT, () -> {}));
        assertEquals("agent.callTimeout", e.field());
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e.getCause(), Objects::nonNull, Throwable::getCause);
    }

    /**
     * The wait ended on its cause, not on some later deadline. The margin is wide on purpose: on a loaded
     * 2-core machine a poll can be late by a second, and speed belongs in benchmarks.
     */
    private static void assertElapsedAbout(long startedNanos, Duration expected) {
        long tookMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        assertTrue(
                tookMillis >= expected.toMillis() - 10 && tookMillis < expected.toMillis() + 5_000,
                "took " + tookMillis + " ms, expected about " + expected.toMillis());
    }
}
