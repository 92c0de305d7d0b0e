package dev.vc4j.agent;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VsockStream}, the byte stream of the vsock transport, on unix socket descriptors (no vsock peer can
 * exist on these machines): reads and writes, deadlines, close from another thread, and a whole gRPC session
 * with the real agent through it.
 */
class VsockStreamTest extends HostModeFixture {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String readText(VsockStream stream, int n) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        while (dst.hasRemaining() && stream.read(dst) >= 0) {
            // until n bytes or the end
        }
        return new String(dst.array(), 0, dst.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void bytesPassBothWaysAndTheEndIsMinusOne() throws IOException {
        int[] fds = UnixFds.pair();
        try (VsockStream a = new VsockStream(fds[0], "a"); VsockStream b = new VsockStream(fds[1], "b")) {
            ByteBuffer big = ByteBuffer.allocate(200_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (big.hasRemaining()) {
                        a.write(big);
                    }
                    a.write(ascii("!"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(200_000, readText(b, 200_000).length());
            assertEquals("!", readText(b, 1));
            writer.join();
            b.write(ascii("pong"));
            assertEquals("pong", readText(a, 4));
            a.close();
            assertEquals(-1, b.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void aTimedReadReturnsZeroWhenNothingComesInTime() throws IOException {
        int[] fds = UnixFds.pair();
        try (VsockStream a = new VsockStream(fds[0], "a"); VsockStream b = new VsockStream(fds[1], "b")) {
            long started = System.nanoTime();
            assertEquals(0, b.read(ByteBuffer.allocate(8), Duration.ofMillis(300)));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis >= 290 && tookMillis < 1000, "took " + tookMillis + " ms");
            a.write(ascii("x"));
            assertEquals(1, b.read(ByteBuffer.allocate(8), Duration.ofSeconds(5)));
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        int[] fds = UnixFds.pair();
        try (VsockStream a = new VsockStream(fds[0], "a")) {
            VsockStream b = new VsockStream(fds[1], "b");
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.read(ByteBuffer.allocate(8));
                } catch (IOException e) {
                    return -2;
                }
            });
            Thread.sleep(200);
            assertFalse(read.isDone(), "the read did not block");
            b.close();
            int result = read.get(1, TimeUnit.SECONDS);
            assertTrue(result < 0, "read returned " + result);
            assertFalse(b.isOpen());
        }
    }

    /** The relay and handshake run on a VsockStream exactly as on the unix socket channel. */
    @Test
    void aGrpcSessionRunsOverTheStream() {
        AgentEndpoint overFd = new AgentEndpoint() {
            @Override
            public AgentStream connect(Duration timeout) {
                return new VsockStream(UnixFds.connect(agent.socket()), toString());
            }

            @Override
            public void requireUsable() {
                // a unix socket: every host has them
            }

            @Override
            public String toString() {
                return "descriptor on " + agent.socket();
            }
        };
        GrpcAgentSession opened = GrpcAgentSession.open(overFd, CONFIG, CONNECT_TIMEOUT);
        session = opened;
        opened.check();
        ExecResult r = opened.runProcess(GuestCommand.of("sh", "-c", "head -c 300000 /dev/zero | wc -c"));
        assertEquals("300000\n", r.stdoutText());
    }
}
