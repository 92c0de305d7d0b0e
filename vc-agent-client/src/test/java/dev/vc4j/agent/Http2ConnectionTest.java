package dev.vc4j.agent;

import com.google.rpc.Code;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP/2 client against a scripted agent that does what the real one never does: replies over the bound,
 * frames over the limit, broken header blocks, resets, no answer, a closed window, no reading at all. Each call
 * must end by its deadline with a failure that says what happened, and the connection must end when the agent
 * broke the protocol. The real agent's side is tested in the HostMode tests.
 */
class Http2ConnectionTest {
    private static final int MAX_REPLY = 1024;
    private static final String PATH = "/vc4j.agent.v1.AgentService/Check";

    @TempDir
    Path dir;

    private FakeAgentPeer peer;
    private Http2Connection connection;

    @AfterEach
    void closeAll() throws IOException, InterruptedException {
        if (connection != null) {
            connection.close();
            connection.awaitEnd(Duration.ofSeconds(2));
        }
        if (peer != null) {
            peer.close();
            peer.assertNoErrors();
        }
        AgentThreads.assertNone();
    }

    private Http2Connection connect(FakeAgentPeer.Script script) throws Exception {
        Path socket = dir.resolve("h2.sock");
        peer = new FakeAgentPeer(socket, script);
        UnixSocketEndpoint endpoint = new UnixSocketEndpoint(socket);
        connection = Http2Connection.start(endpoint, endpoint.connect(deadline(Duration.ofSeconds(5))), MAX_REPLY);
        assertEquals("9.9.9", connection.ready().get(5, TimeUnit.SECONDS));
        return connection;
    }

    private static long deadline(Duration after) {
        return System.nanoTime() + after.toNanos();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCallGetsItsReplyAndAPingIsAnswered() throws Exception {
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            H2TestPeer.Frame request = agent.request();
            assertArrayEquals(GrpcReply.framed(bytes("question")), request.payload());
            byte[] ping = {1, 2, 3, 4, 5, 6, 7, 8};
            agent.write(Http2.PING, 0, 0, ping);
            H2TestPeer.Frame ack = agent.next(Http2.PING);
            assertTrue(ack.has(Http2.FLAG_ACK));
            assertArrayEquals(ping, ack.payload());
            agent.reply(request.stream(), bytes("answer"));
            FakeAgentPeer.read(p, 1);
        });
        assertArrayEquals(bytes("answer"), connection.call(PATH, bytes("question"), deadline(Duration.ofSeconds(5))));
    }

    @Test
    void aReplyOverTheBoundFailsThatCallAloneAndResetsIt() throws Exception {
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            int first = agent.request().stream();
            agent.reply(first, new byte[MAX_REPLY + 1]);
            // the reset and the next call's request may come in either order
            boolean reset = false;
            int second = 0;
            boolean requested = false;
            while (!reset || !requested) {
                H2TestPeer.Frame frame = agent.read();
                if (frame.type() == Http2.RST_STREAM) {
                    assertEquals(first, frame.stream());
                    assertEquals(Http2.CANCEL, Http2.getInt(frame.payload(), 0));
                    reset = true;
                } else if (frame.type() == Http2.HEADERS) {
                    second = frame.stream();
                } else if (frame.type() == Http2.DATA && frame.has(Http2.FLAG_END_STREAM)) {
                    requested = true;
                }
            }
            agent.reply(second, bytes("fits"));
            FakeAgentPeer.read(p, 1);
        });
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
        assertTrue(e.getMessage().contains("bound of " + MAX_REPLY + " bytes"), e.getMessage());
        assertArrayEquals(bytes("fits"), connection.call(PATH, bytes("b"), deadline(Duration.ofSeconds(5))));
    }

    @Test
    void aFrameOverTheLimitEndsTheConnectionWithAGoAway() throws Exception {
        CountDownLatch goAway = new CountDownLatch(1);
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            int stream = agent.request().stream();
            byte[] header = new byte[Http2.FRAME_HEADER_BYTES];
            Http2.putFrameHeader(header, 0, Http2.DEFAULT_MAX_FRAME + 1, Http2.DATA, 0, stream);
            FakeAgentPeer.write(p, header);
            H2TestPeer.Frame frame = agent.next(Http2.GOAWAY);
            assertEquals(Http2.FRAME_SIZE_ERROR, Http2.getInt(frame.payload(), 4));
            goAway.countDown();
        });
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("broke HTTP/2: a frame of 16385 bytes"), e.getMessage());
        assertTrue(goAway.await(5, TimeUnit.SECONDS), "the agent got no GOAWAY");
        assertFalse(connection.acceptsCalls());
    }

    @Test
    void aHeaderBlockThatDoesNotDecodeIsACompressionError() throws Exception {
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            int stream = agent.request().stream();
            agent.write(Http2.HEADERS, Http2.FLAG_END_HEADERS, stream, new byte[] {(byte) 0x80}); // index 0
            H2TestPeer.Frame frame = agent.next(Http2.GOAWAY);
            assertEquals(Http2.COMPRESSION_ERROR, Http2.getInt(frame.payload(), 4));
        });
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.INTERNAL, e.code());
    }

    @Test
    void noAnswerIsADeadlineAndTheStreamIsReset() throws Exception {
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            int stream = agent.request().stream();
            H2TestPeer.Frame reset = agent.next(Http2.RST_STREAM);
            assertEquals(stream, reset.stream());
            FakeAgentPeer.read(p, 1);
        });
        long started = System.nanoTime();
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofMillis(300))));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(Code.DEADLINE_EXCEEDED, e.code());
        assertTrue(tookMillis >= 290 && tookMillis < 3000, "took " + tookMillis + " ms");
        assertTrue(connection.acceptsCalls(), "one late reply does not end the connection");
    }

    @Test
    void aRefusedStreamIsUnavailableSoThatItMayBeRetried() throws Exception {
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            byte[] code = new byte[4];
            Http2.putInt(code, 0, Http2.REFUSED_STREAM);
            agent.write(Http2.RST_STREAM, 0, agent.request().stream(), code);
            FakeAgentPeer.read(p, 1);
        });
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("REFUSED_STREAM"), e.getMessage());
    }

    @Test
    void theAgentsStreamWindowIsNeverOverrun() throws Exception {
        int window = 100;
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce, Http2.SETTINGS_INITIAL_WINDOW_SIZE, window);
            int stream = agent.next(Http2.HEADERS).stream();
            int received = 0;
            while (received < window) {
                H2TestPeer.Frame data = agent.next(Http2.DATA);
                assertFalse(data.has(Http2.FLAG_END_STREAM), "sent past the window");
                received += data.payload().length;
            }
            assertEquals(window, received);
            byte[] increment = new byte[4];
            Http2.putInt(increment, 0, 10_000);
            agent.write(Http2.WINDOW_UPDATE, 0, stream, increment);
            H2TestPeer.Frame data;
            do {
                data = agent.next(Http2.DATA);
                received += data.payload().length;
            } while (!data.has(Http2.FLAG_END_STREAM));
            assertEquals(GrpcReply.PREFIX_BYTES + 1000, received);
            agent.reply(stream, bytes("ok"));
            FakeAgentPeer.read(p, 1);
        });
        assertArrayEquals(bytes("ok"), connection.call(PATH, new byte[1000], deadline(Duration.ofSeconds(5))));
    }

    @Test
    void anAgentThatStopsReadingCannotHoldACallPastItsDeadline() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        connect((p, nonce) -> {
            // windows wide open, and then not a byte read
            H2TestPeer agent = H2TestPeer.start(p, nonce, Http2.SETTINGS_INITIAL_WINDOW_SIZE, Integer.MAX_VALUE);
            byte[] increment = new byte[4];
            Http2.putInt(increment, 0, Integer.MAX_VALUE - Http2.DEFAULT_WINDOW);
            agent.write(Http2.WINDOW_UPDATE, 0, 0, increment);
            done.await(10, TimeUnit.SECONDS);
        });
        long started = System.nanoTime();
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, new byte[8 << 20], deadline(Duration.ofSeconds(1))));
        done.countDown();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(Code.DEADLINE_EXCEEDED, e.code());
        assertTrue(tookMillis < 4000, "took " + tookMillis + " ms");
        assertFalse(connection.acceptsCalls(), "a frame cut in the middle ends the connection");
    }

    @Test
    void theAgentHangingUpFailsTheCallAsUnavailable() throws Exception {
        connect((p, nonce) -> H2TestPeer.start(p, nonce).request());
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.UNAVAILABLE, e.code());
    }

    @Test
    void aTrailersOnlyFailureCarriesItsStatusMessageAndDetails() throws Exception {
        byte[] details = com.google.rpc.Status.newBuilder()
                .setCode(Code.NOT_FOUND.getNumber())
                .setMessage("no such container")
                .build()
                .toByteArray();
        connect((p, nonce) -> {
            H2TestPeer agent = H2TestPeer.start(p, nonce);
            agent.headers(
                    agent.request().stream(),
                    true,
                    new HttpHeader(":status", "200"),
                    new HttpHeader("content-type", "application/grpc"),
                    new HttpHeader("grpc-status", "5"),
                    new HttpHeader("grpc-message", "no%20such%20container%20%E2%9C%93"),
                    new HttpHeader(
                            "grpc-status-details-bin",
                            Base64.getEncoder().withoutPadding().encodeToString(details)));
            FakeAgentPeer.read(p, 1);
        });
        GrpcFailure e = assertThrows(
                GrpcFailure.class, () -> connection.call(PATH, bytes("a"), deadline(Duration.ofSeconds(5))));
        assertEquals(Code.NOT_FOUND, e.code());
        assertEquals("no such container \u2713", e.description());
        assertEquals("no such container", e.details().orElseThrow().getMessage());
    }
}
