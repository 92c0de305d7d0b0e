package dev.vc4j.agent;

import dev.vc4j.AgentException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.vc4j.agent.FakeAgentPeer.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay between a local Netty channel (where gRPC connects) and a fake agent on a real unix socket. */
class HandshakeRelayTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private HandshakeRelay relay;
    private FakeAgentPeer peer;

    @AfterEach
    void closeAll() throws IOException {
        if (relay != null) {
            relay.close();
        }
        RelayThreads.assertNoneLeft();
        if (peer != null) {
            peer.close();
            peer.assertNoErrors();
        }
    }

    @Test
    void relaysBothWaysWithoutStallingWhileTheAgentEchoes() throws Exception {
        // An echoing peer blocks its reads while its writes are stuck: only a relay that keeps both
        // directions moving independently gets all 8 MiB through.
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\nearly"));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (p.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    p.write(buffer);
                }
                buffer.clear();
            }
        });
        relay = new HandshakeRelay(new UnixSocketEndpoint(dir.resolve("a.sock")), TIMEOUT);
        byte[] payload = new byte[8 << 20];
        new Random(1).nextBytes(payload);
        Collector received = new Collector(5 + payload.length);
        Channel client = connectLocal(received);
        for (int off = 0; off < payload.length; off += 64 * 1024) {
            client.writeAndFlush(Unpooled.wrappedBuffer(payload, off, 64 * 1024));
        }
        assertTrue(received.complete.await(20, TimeUnit.SECONDS), "received " + received.bytes.size());
        byte[] all = received.bytes.toByteArray();
        assertEquals("early", new String(all, 0, 5, StandardCharsets.US_ASCII));
        assertArrayEquals(payload, Arrays.copyOfRange(all, 5, all.length));
    }

    @Test
    void closingTheRelayClosesTheAgentSide() throws Exception {
        CountDownLatch agentSawEof = new CountDownLatch(1);
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\nx"));
            FakeAgentPeer.read(p, 1);
            agentSawEof.countDown();
        });
        relay = new HandshakeRelay(new UnixSocketEndpoint(dir.resolve("a.sock")), TIMEOUT);
        Collector received = new Collector(1);
        Channel client = connectLocal(received);
        assertTrue(received.complete.await(5, TimeUnit.SECONDS), "the relay is running");
        relay.close();
        assertTrue(agentSawEof.await(2, TimeUnit.SECONDS));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
    }

    @Test
    void theAgentHangingUpClosesTheLocalSide() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) ->
                FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\n")));
        relay = new HandshakeRelay(new UnixSocketEndpoint(dir.resolve("a.sock")), TIMEOUT);
        Channel client = connectLocal(new Collector(0));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
        assertTrue(relay.obstacle().isEmpty(), "a session that ended is no failed attempt");
    }

    @Test
    void aFailedHandshakeIsRecordedAndClosesTheLocalSide() throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> { });
        relay = new HandshakeRelay(new UnixSocketEndpoint(dir.resolve("a.sock")), TIMEOUT);
        Channel client = connectLocal(new Collector(0));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
        AgentException e = assertInstanceOf(AgentException.class, relay.obstacle().orElseThrow());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    private Channel connectLocal(Collector collector) {
        return new Bootstrap().group(relay.eventLoopGroup()).channel(LocalChannel.class).handler(collector)
                .connect(relay.address()).syncUninterruptibly().channel();
    }

    /** Gathers what the relay delivers to the local side. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch complete = new CountDownLatch(1);
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] chunk = new byte[buf.readableBytes()];
            buf.readBytes(chunk);
            buf.release();
            bytes.writeBytes(chunk);
            if (bytes.size() >= expected) {
                complete.countDown();
            }
        }
    }
}
