package dev.vc4j.agent;

import dev.vc4j.AgentException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's socket on a unix socket served by the JDK: bytes both ways, each connect error as the user sees it,
 * deadlines on writes, close from another thread, and not one descriptor left behind (checked after every test).
 */
@ExtendWith(NoSocketLeftOpen.class)
class AgentSocketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int BIG = 16 << 20;

    @TempDir
    Path dir;

    /**
     * NIO makes a socket of its own, once, when it first closes a channel (its close marker): made here, it does
     * not count as one left open by a test.
     */
    @BeforeAll
    static void letTheJdkMakeItsOwnSockets(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("warm.sock");
        try (ServerSocketChannel server = listen(path);
                SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                SocketChannel peer = server.accept()) {
            client.write(ByteBuffer.wrap(new byte[1]));
            peer.read(ByteBuffer.allocate(1));
        }
    }

    @Test
    void bytesGoBothWaysAndTheServerClosingIsTheEndOfTheStream() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path)) {
            UnixSocketEndpoint endpoint = new UnixSocketEndpoint(path);
            endpoint.requireReachable();
            try (AgentSocket socket = endpoint.connect(System.nanoTime() + SECOND);
                    SocketChannel peer = server.accept()) {
                assertEquals(path.toString(), socket.toString());
                byte[] hello = "hello agent".getBytes(StandardCharsets.UTF_8);
                socket.write(hello, 0, hello.length, System.nanoTime() + SECOND);
                ByteBuffer got = ByteBuffer.allocate(hello.length);
                while (got.hasRemaining()) {
                    peer.read(got);
                }
                assertArrayEquals(hello, got.array());

                // more than the socket's native buffer, with an offset, in pieces of whatever the kernel hands over
                byte[] sent = new byte[300_000];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) (i * 31);
                }
                CompletableFuture<Void> writing = inBackground(() -> {
                    peer.write(ByteBuffer.wrap(sent));
                    peer.close();
                    return null;
                });
                byte[] received = new byte[10 + sent.length + 1]; // room for a byte too many
                int at = 10;
                for (int n; (n = socket.read(received, at, received.length - at)) != -1; ) {
                    assertTrue(n > 0, "a read of nothing");
                    at += n;
                }
                writing.get(5, TimeUnit.SECONDS);
                assertEquals(10 + sent.length, at);
                assertArrayEquals(sent, Arrays.copyOfRange(received, 10, at));
                assertEquals(-1, socket.read(received, 0, 1), "the end of the stream stays");
            }
        }
    }

    @Test
    void aMissingSocketIsNamedAsMissing() {
        Path path = dir.resolve("none.sock");
        assertConnectFails(path, "cannot connect to " + path + ": there is no such socket (ENOENT)");
    }

    /** What QEMU leaves behind when it is killed: the socket file, with nobody listening. */
    @Test
    void aSocketNobodyListensOnIsARefusedConnect() throws Exception {
        Path path = dir.resolve("left.sock");
        listen(path).close();
        assertTrue(Files.exists(path));
        assertConnectFails(path, "nothing listens on " + path + " (ECONNREFUSED)");
    }

    /** QEMU's chardev takes one client at a time: a connect behind a full backlog must not wait for the deadline. */
    @Test
    void aListenerThatAcceptsNothingMoreFailsTheConnectAtOnce() throws Exception {
        Path path = dir.resolve("busy.sock");
        List<AgentSocket> waiting = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), 1);
            AgentException full = assertThrows(AgentException.class, () -> {
                while (waiting.size() < 100) { // fill the backlog, which never gets accepted
                    waiting.add(AgentSocket.connectUnix(path, System.nanoTime() + 30 * SECOND));
                }
            });
            assertTrue(waiting.size() < 100, "the backlog never filled");
            assertTrue(full.getMessage().contains(path + " accepts no connection now: its backlog is full (EAGAIN)"));
        } finally {
            waiting.forEach(AgentSocket::close);
        }
    }

    /** sun_path holds 108 bytes with the NUL: 107 bytes of path connect, 108 are refused before any call. */
    @Test
    void aPathLongerThanSockaddrUnHoldsIsRefusedNamingPathAndLimit() throws Exception {
        Path longest = dir.resolve("s".repeat(107 - dir.toString().length() - 1));
        assertEquals(107, longest.toString().length());
        // NIO binds no path that long; connect(2) follows a link to the socket
        Path served = dir.resolve("agent.sock");
        Files.createSymbolicLink(longest, served);
        try (ServerSocketChannel server = listen(served);
                AgentSocket socket = AgentSocket.connectUnix(longest, System.nanoTime() + SECOND)) {
            assertEquals(longest.toString(), socket.toString());
        }
        Path overlong = dir.resolve("s".repeat(108 - dir.toString().length() - 1));
        UnixSocketEndpoint endpoint = new UnixSocketEndpoint(overlong);
        for (Runnable attempt :
                List.<Runnable>of(endpoint::requireReachable, () -> endpoint.connect(System.nanoTime() + SECOND))) {
            AgentException e = assertThrows(AgentException.class, attempt::run);
            assertEquals(
                    "agent connect: cannot connect to " + overlong
                            + ": the path is 108 bytes long, a unix socket's path has at most 107 bytes",
                    e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path)) {
            AgentSocket socket = AgentSocket.connectUnix(path, System.nanoTime() + SECOND);
            try (SocketChannel peer = server.accept()) {
                CompletableFuture<Integer> read = inBackground(() -> socket.read(new byte[10], 0, 10));
                Thread.sleep(200);
                assertFalse(read.isDone(), "the read did not wait for data");
                long closing = System.nanoTime();
                socket.close();
                assertEquals(-1, read.get(1, TimeUnit.SECONDS));
                assertTrue(System.nanoTime() - closing < SECOND);
                socket.close(); // again: nothing happens
                assertEquals(-1, socket.read(new byte[1], 0, 1), "a read after close");
                IOException e = assertThrows(
                        IOException.class, () -> socket.write(new byte[1], 0, 1, System.nanoTime() + SECOND));
                assertEquals("cannot write to " + path + ": the socket was closed", e.getMessage());
                assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the peer saw no end of the stream");
            }
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedWrite() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path)) {
            AgentSocket socket = AgentSocket.connectUnix(path, System.nanoTime() + SECOND);
            try (SocketChannel peer = server.accept()) {
                CompletableFuture<Void> write = inBackground(() -> {
                    socket.write(new byte[BIG], 0, BIG, System.nanoTime() + 60 * SECOND);
                    return null;
                });
                Thread.sleep(300);
                assertFalse(write.isDone(), "the write did not wait for the peer");
                socket.close();
                ExecutionException failed =
                        assertThrows(ExecutionException.class, () -> write.get(1, TimeUnit.SECONDS));
                IOException e =
                        assertInstanceOf(IOException.class, failed.getCause().getCause());
                assertTrue(
                        e.getMessage().startsWith("cannot write to " + path + ": the socket was closed, ")
                                && e.getMessage().endsWith(" of " + BIG + " bytes went out"),
                        e.getMessage());
            }
        }
    }

    /** A peer that stops reading holds a write until its deadline, not longer, and not much less. */
    @Test
    void aWriteToAPeerThatNeverReadsEndsAtItsDeadline() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path);
                AgentSocket socket = AgentSocket.connectUnix(path, System.nanoTime() + SECOND);
                SocketChannel peer = server.accept()) {
            long started = System.nanoTime();
            SocketTimeoutException e = assertThrows(
                    SocketTimeoutException.class, () -> socket.write(new byte[BIG], 0, BIG, started + SECOND / 2));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis >= 500 && tookMillis < 1500, "took " + tookMillis + " ms");
            assertTrue(
                    e.getMessage()
                            .matches("write to " + path + " did not finish by its deadline: " + "[1-9][0-9]* of " + BIG
                                    + " bytes went out"),
                    e.getMessage());
            assertTrue(peer.isOpen());
        }
    }

    @Test
    void aWriteToAPeerThatIsGoneNamesTheErrno() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path);
                AgentSocket socket = AgentSocket.connectUnix(path, System.nanoTime() + SECOND)) {
            server.accept().close();
            IOException e = assertThrows(
                    IOException.class, () -> socket.write(new byte[BIG], 0, BIG, System.nanoTime() + 5 * SECOND));
            assertFalse(e instanceof SocketTimeoutException, e.getMessage());
            assertTrue(
                    e.getMessage()
                            .matches("cannot write to " + path + ": the connection is gone "
                                    + "\\((EPIPE|ECONNRESET)\\), 0 of " + BIG + " bytes went out"),
                    e.getMessage());
        }
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> CompletableFuture<T> inBackground(IoCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    private static void assertConnectFails(Path path, String expected) {
        long started = System.nanoTime();
        AgentException e = assertThrows(
                AgentException.class, () -> AgentSocket.connectUnix(path, System.nanoTime() + 30 * SECOND));
        assertTrue(System.nanoTime() - started < SECOND, "the connect waited for its deadline");
        assertEquals("agent connect: " + expected, e.getMessage());
        assertEquals("connect", e.rpc());
    }
}
