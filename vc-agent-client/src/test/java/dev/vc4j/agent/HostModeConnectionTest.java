package dev.vc4j.agent;

import dev.vc4j.GuestCommand;
import dev.vc4j.spi.AgentSession;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.vc4j.agent.FakeAgentPeer.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections to the real agent in host mode: many in a row, to a socket that appears late, behind stale bytes,
 * and after a failed handshake. The timings printed here are the numbers to compare across changes.
 */
class HostModeConnectionTest extends HostModeFixture {
    /** One reader thread per session, which ends with it: the JVM's thread count stays flat over reconnects. */
    @Test
    void reconnectsAHundredTimesWithOneThreadASession() throws InterruptedException {
        AgentThreads.assertNone(); // the sessions of other tests have ended
        int ok = 0;
        int[] agentThreads = new int[100];
        int[] jvmThreads = new int[100];
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            try (AgentSession s = connect()) {
                s.check();
                agentThreads[i] = AgentThreads.alive().size();
                jvmThreads[i] = Thread.activeCount();
                ok++;
            }
        }
        System.out.printf(
                "100 x (connect + Check + close): %.0f ms; threads in the JVM: %d after the first,"
                        + " %d after the last%n",
                (System.nanoTime() - started) / 1e6, jvmThreads[0], jvmThreads[99]);
        assertEquals(100, ok);
        assertTrue(IntStream.of(agentThreads).allMatch(n -> n == 1), "agent threads: " + Arrays.toString(agentThreads));
        assertTrue(
                IntStream.of(jvmThreads).max().orElseThrow() <= jvmThreads[0] + 2,
                "threads in the JVM per reconnect: " + Arrays.toString(jvmThreads));
    }

    @Test
    void waitsForTheSocketToAppear() throws Exception {
        CompletableFuture<HostModeAgent> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(500);
                return HostModeAgent.start(dir, "late");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long started = System.nanoTime();
        try {
            session = new GrpcAgent().connect(dir.resolve("late.sock"), CONFIG, CONNECT_TIMEOUT, () -> {});
            System.out.printf(
                    "connect to a socket that appears after 500 ms: %.0f ms%n", (System.nanoTime() - started) / 1e6);
            session.check();
        } finally {
            late.get().close();
        }
    }

    @Test
    void skipsStaleBytesAndForeignReadyLines() throws Exception {
        byte[] stale = ascii("\0\0\4\1\0\0\0\0\0stale VC4J-READY " + AgentHandshake.newNonce() + " 0.0.1\n");
        try (FakeAgentPeer proxy =
                new FakeAgentPeer(dir.resolve("stale.sock"), (host, nonce) -> proxyToAgent(host, nonce, stale))) {
            session = new GrpcAgent().connect(dir.resolve("stale.sock"), CONFIG, CONNECT_TIMEOUT, () -> {});
            assertEquals(
                    "hello\n",
                    session.runProcess(GuestCommand.of("echo", "hello")).stdoutText());
            session.close();
            proxy.assertNoErrors();
        }
    }

    @Test
    void retriesAfterAFailedHandshake() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (FakeAgentPeer proxy = new FakeAgentPeer(dir.resolve("flaky.sock"), (host, nonce) -> {
            if (attempts.incrementAndGet() > 1) {
                proxyToAgent(host, nonce, new byte[0]);
            }
        })) {
            long started = System.nanoTime();
            session = new GrpcAgent().connect(dir.resolve("flaky.sock"), CONFIG, CONNECT_TIMEOUT, () -> {});
            System.out.printf("connect when the first handshake fails: %.0f ms%n", (System.nanoTime() - started) / 1e6);
            session.check();
            assertEquals(2, proxy.accepted());
            session.close();
            proxy.assertNoErrors();
        }
    }

    /** Passes one host connection on to the real agent, after sending the host {@code injected} first. */
    private static void proxyToAgent(SocketChannel host, String nonce, byte[] injected) throws IOException {
        try (SocketChannel real = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            real.connect(UnixDomainSocketAddress.of(agent.socket()));
            FakeAgentPeer.write(real, ascii("VC4J-HELLO " + nonce + "\n"));
            FakeAgentPeer.write(host, injected);
            Thread up = new Thread(
                    () -> {
                        copy(host, real);
                        closeQuietly(real);
                    },
                    "proxy-up");
            up.setDaemon(true);
            up.start();
            copy(real, host);
        }
    }

    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException ended) {
            // either side went away: the proxy is done
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already going away
        }
    }
}
