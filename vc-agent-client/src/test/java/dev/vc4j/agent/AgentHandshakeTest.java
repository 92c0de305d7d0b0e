package dev.vc4j.agent;

import dev.vc4j.AgentException;
import org.junit.jupiter.api.AfterEach;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake on a real unix socket against a fake agent that sends what a stale stream may hold. */
class AgentHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] H2_START = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");

    @TempDir
    Path dir;

    private FakeAgentPeer peer;
    private AgentSocket socket;
    private SocketInput in;

    @AfterEach
    void closeAll() throws IOException {
        if (socket != null) {
            socket.close();
        }
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
        assertEquals("1.2.3", handshake());
        assertEquals(in.start(), in.end(), "nothing is left of what came before and with the line");
    }

    @Test
    void readyLinesWithAnotherNonceAreIgnored() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + AgentHandshake.newNonce() + " old\n"));
            Thread.sleep(50);
            write(p, ascii("VC4J-READY " + nonce + " new\n"));
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("new", handshake());
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
        assertEquals("9.9", handshake());
    }

    @Test
    void bytesAfterTheReadyLineStayForHttp2() throws Exception {
        byte[] more = ascii("rest of the stream");
        CountDownLatch handshakeDone = new CountDownLatch(1);
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("stale VC4J-READY " + nonce + " 0.1.0\n"), H2_START);
            assertTrue(handshakeDone.await(5, TimeUnit.SECONDS));
            write(p, more);
            FakeAgentPeer.read(p, 1);
        });
        assertEquals("0.1.0", handshake());
        handshakeDone.countDown();
        byte[] after = new byte[H2_START.length + more.length];
        in.readFully(after, 0, after.length, "the test's bytes");
        byte[] expected = new byte[H2_START.length + more.length];
        System.arraycopy(H2_START, 0, expected, 0, H2_START.length);
        System.arraycopy(more, 0, expected, H2_START.length, more.length);
        assertArrayEquals(expected, after);
    }

    @Test
    void peerEofDuringTheHandshakeIsAnAgentError() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> write(p, ascii("VC4J-READY " + nonce)));
        AgentException e = assertThrows(AgentException.class, this::handshake);
        assertEquals("handshake", e.rpc());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    @Test
    void aReadyLineWithoutEndIsRejected() throws Exception {
        peer = new FakeAgentPeer(socket(), (p, nonce) -> {
            write(p, ascii("VC4J-READY " + nonce + " " + "x".repeat(300)));
            FakeAgentPeer.read(p, 1);
        });
        AgentException e = assertThrows(AgentException.class, this::handshake);
        assertTrue(e.getMessage().contains("no end within 128 bytes"), e.getMessage());
    }

    /** Connects, sends a hello with a fresh nonce and waits for its READY line. */
    private String handshake() throws IOException {
        UnixSocketEndpoint endpoint = new UnixSocketEndpoint(socket());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        socket = endpoint.connect(deadline);
        in = new SocketInput(socket);
        String nonce = AgentHandshake.newNonce();
        byte[] hello = AgentHandshake.hello(nonce);
        socket.write(hello, 0, hello.length, deadline);
        return AgentHandshake.awaitReady(in, nonce, endpoint);
    }

    private Path socket() {
        return dir.resolve("a.sock");
    }
}
