package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.vc4j.agent.FakeAgentPeer.ascii;
import static dev.vc4j.agent.FakeAgentPeer.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake handler on a real unix socket against a fake agent that sends what a stale stream may hold. */
class AgentHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] H2_START = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");

    @TempDir
    Path dir;

    private FakeAgentPeer peer;
    private AgentEventLoops loops;
    private Channel channel;
    private Promise<String> ready;

    @BeforeEach
    void holdLoops() {
        loops = AgentEventLoops.acquire();
    }

    @AfterEach
    void closeAll() throws IOException {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        loops.release();
        if (peer != null) {
            peer.close();
            peer.assertNoErrors();
        }
    }

    @Test
    void noncesAreFreshLowercaseHex() {
        String a = AgentHandshake.newNonce();
        assertTrue(a.matches("[0-9a-f]{32}"), a);
        assertNotEquals(a, AgentHandshake.newNonce());
    }

    @Test
    void staleBytesBeforeReadyAreDiscarded() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(
                    p,
                    new byte[] {0, 0, 4, 1, 0, 0, 0, 0, 0},
                    ascii("\nVC4J-READY half"),
                    ascii("garbage\n"),
                    ascii("VC4J-READY " + nonce + " 1.2.3\n"));
            FakeAgentPeer.read(p, 1);
        });
        Collector after = new Collector(1);
        assertEquals("1.2.3", handshake(after, TIMEOUT).get(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[0], after.bytes());
    }

    @Test
    void readyLinesWithAnotherNonceAreIgnored() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + AgentHandshake.newNonce() + " old\n"));
            Thread.sleep(50);
            write(p, ascii("VC4J-READY " + nonce + " new\n"));
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("new", handshake(new Collector(1), TIMEOUT).get(5, TimeUnit.SECONDS));
    }

    @Test
    void readyLineSplitAcrossReadsIsFound() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            String line = "VC4J-READY " + nonce + " 9.9\n";
            for (int i = 0; i < line.length(); i += 7) {
                write(p, ascii(line.substring(i, Math.min(line.length(), i + 7))));
                Thread.sleep(10);
            }
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("9.9", handshake(new Collector(1), TIMEOUT).get(5, TimeUnit.SECONDS));
    }

    @Test
    void bytesAfterTheReadyLineGoOnToTheNextHandlerAndTheHandshakeLeavesThePipeline() throws Exception {
        byte[] more = ascii("rest of the stream");
        CountDownLatch handshakeDone = new CountDownLatch(1);
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("stale VC4J-READY " + nonce + " 0.1.0\n"), H2_START);
            assertTrue(handshakeDone.await(5, TimeUnit.SECONDS));
            write(p, more);
            FakeAgentPeer.read(p, 1);
        });
        Collector after = new Collector(H2_START.length + more.length);
        assertEquals("0.1.0", handshake(after, TIMEOUT).get(5, TimeUnit.SECONDS));
        handshakeDone.countDown();
        assertTrue(after.complete.await(5, TimeUnit.SECONDS), "received " + after.bytes().length);
        byte[] expected = new byte[H2_START.length + more.length];
        System.arraycopy(H2_START, 0, expected, 0, H2_START.length);
        System.arraycopy(more, 0, expected, H2_START.length, more.length);
        assertArrayEquals(expected, after.bytes());
        assertNull(channel.pipeline().get(AgentHandshake.class));
    }

    @Test
    void noReadyBeforeTheDeadlineIsATimeout() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> FakeAgentPeer.read(p, 1));
        long started = System.nanoTime();
        handshake(new Collector(1), Duration.ofMillis(300)).await(5, TimeUnit.SECONDS);
        VcTimeoutException timeout = assertInstanceOf(VcTimeoutException.class, failure());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis >= 290 && tookMillis < 2000, "took " + tookMillis + " ms");
        assertTrue(
                timeout.deadline().compareTo(Duration.ofMillis(300)) <= 0,
                timeout.deadline().toString());
        assertTrue(timeout.getMessage().contains(socket().toString()), timeout.getMessage());
        assertTrue(channel.closeFuture().await(2, TimeUnit.SECONDS), "a failed handshake closes the channel");
    }

    @Test
    void peerEofDuringTheHandshakeIsAnAgentError() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> write(p, ascii("VC4J-READY " + nonce)));
        handshake(new Collector(1), TIMEOUT).await(5, TimeUnit.SECONDS);
        AgentException e = assertInstanceOf(AgentException.class, failure());
        assertEquals("handshake", e.rpc());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    @Test
    void aReadyLineWithoutEndIsRejected() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + nonce + " " + "x".repeat(300)));
            FakeAgentPeer.read(p, 1);
        });
        handshake(new Collector(1), TIMEOUT).await(5, TimeUnit.SECONDS);
        AgentException e = assertInstanceOf(AgentException.class, failure());
        assertTrue(e.getMessage().contains("no end"), e.getMessage());
        assertTrue(channel.closeFuture().await(2, TimeUnit.SECONDS), "a failed handshake closes the channel");
    }

    /** Connects a channel on this JVM's transport whose pipeline is the handshake, then {@code after}. */
    private Promise<String> handshake(Collector after, Duration timeout) {
        UnixSocketEndpoint endpoint = new UnixSocketEndpoint(socket());
        SocketTransport transport = loops.transport();
        ready = loops.sockets().next().newPromise();
        long deadline = System.nanoTime() + timeout.toNanos();
        channel = new Bootstrap()
                .group(loops.sockets())
                .channelFactory(() -> endpoint.newChannel(transport))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new AgentHandshake(endpoint, AgentHandshake.newNonce(), deadline, ready),
                                        after);
                    }
                })
                .connect(endpoint.address(transport))
                .syncUninterruptibly()
                .channel();
        return ready;
    }

    private Throwable failure() {
        assertTrue(ready.isDone(), "the handshake has not ended");
        return ready.cause();
    }

    private Path socket() {
        return dir.resolve("a.sock");
    }
}
