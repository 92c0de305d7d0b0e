package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.vc4j.agent.FakeAgentPeer.ascii;
import static dev.vc4j.agent.FakeAgentPeer.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] H2_START = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");

    @TempDir
    Path dir;
    private FakeAgentPeer peer;

    @AfterEach
    void closePeer() throws IOException {
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
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            write(p, new byte[]{0, 0, 4, 1, 0, 0, 0, 0, 0}, ascii("\nVC4J-READY half"), ascii("garbage\n"),
                    ascii("VC4J-READY " + nonce + " 1.2.3\n"));
            FakeAgentPeer.read(p, 1);
        });
        AgentHandshake.Ready ready = handshake();
        assertEquals("1.2.3", ready.agentVersion());
        assertEquals(0, ready.leftover().length);
    }

    @Test
    void readyLinesWithAnotherNonceAreIgnored() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + AgentHandshake.newNonce() + " old\n"));
            Thread.sleep(50);
            write(p, ascii("VC4J-READY " + nonce + " new\n"));
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("new", handshake().agentVersion());
    }

    @Test
    void readyLineSplitAcrossReadsIsFound() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            String line = "VC4J-READY " + nonce + " 9.9\n";
            for (int i = 0; i < line.length(); i += 7) {
                write(p, ascii(line.substring(i, Math.min(line.length(), i + 7))));
                Thread.sleep(10);
            }
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("9.9", handshake().agentVersion());
    }

    @Test
    void http2BytesInTheReadyChunkAreHandedOnAndTheRestStaysUnread() throws Exception {
        byte[] more = ascii("rest of the stream");
        CountDownLatch handshakeDone = new CountDownLatch(1);
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            write(p, ascii("stale VC4J-READY " + nonce + " 0.1.0\n"), H2_START);
            assertTrue(handshakeDone.await(5, TimeUnit.SECONDS));
            write(p, more);
        });
        try (SocketChannel channel = connect()) {
            AgentHandshake.Ready ready = AgentHandshake.perform(new UnixSocketEndpoint.Stream(channel), AgentHandshake.newNonce(), TIMEOUT,
                    new UnixSocketEndpoint(socket()));
            assertEquals("0.1.0", ready.agentVersion());
            assertTrue(channel.isBlocking());
            handshakeDone.countDown();
            byte[] after = FakeAgentPeer.read(channel, H2_START.length + more.length - ready.leftover().length);
            byte[] all = new byte[ready.leftover().length + after.length];
            System.arraycopy(ready.leftover(), 0, all, 0, ready.leftover().length);
            System.arraycopy(after, 0, all, ready.leftover().length, after.length);
            byte[] expected = new byte[H2_START.length + more.length];
            System.arraycopy(H2_START, 0, expected, 0, H2_START.length);
            System.arraycopy(more, 0, expected, H2_START.length, more.length);
            assertArrayEquals(expected, all);
        }
    }

    @Test
    void noReadyBeforeTheDeadlineIsATimeout() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> FakeAgentPeer.read(p, 1));
        try (SocketChannel channel = connect()) {
            long started = System.nanoTime();
            VcTimeoutException e = assertThrows(VcTimeoutException.class,
                    () -> AgentHandshake.perform(new UnixSocketEndpoint.Stream(channel), AgentHandshake.newNonce(), Duration.ofMillis(300),
                    new UnixSocketEndpoint(socket())));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis >= 290 && tookMillis < 2000, "took " + tookMillis + " ms");
            assertEquals(Duration.ofMillis(300), e.deadline());
            assertTrue(e.getMessage().contains(socket().toString()), e.getMessage());
        }
    }

    @Test
    void peerEofDuringTheHandshakeIsAnAgentError() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> write(p, ascii("VC4J-READY " + nonce)));
        AgentException e = assertThrows(AgentException.class, this::handshake);
        assertEquals("handshake", e.rpc());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    @Test
    void aReadyLineWithoutEndIsRejected() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + nonce + " " + "x".repeat(300)));
            FakeAgentPeer.read(p, 1);
        });
        AgentException e = assertThrows(AgentException.class, this::handshake);
        assertTrue(e.getMessage().contains("no end"), e.getMessage());
    }

    private AgentHandshake.Ready handshake() throws IOException {
        try (SocketChannel channel = connect()) {
            return AgentHandshake.perform(new UnixSocketEndpoint.Stream(channel), AgentHandshake.newNonce(), TIMEOUT,
                    new UnixSocketEndpoint(socket()));
        }
    }

    private Path socket() {
        return dir.resolve("a.sock");
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket()));
        return channel;
    }
}
