package dev.vc4j.agent;

import dev.vc4j.AgentException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

/**
 * The relay between a local Netty channel (where gRPC connects) and a fake agent on a real unix socket, on the
 * native epoll transport and on the NIO fallback.
 */
class HandshakeRelayTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int CONNECTIONS = 300;

    @TempDir
    Path dir;

    private AgentEventLoops loops;
    private HandshakeRelay relay;
    private FakeAgentPeer peer;

    @AfterEach
    void closeAll() throws IOException {
        if (relay != null) {
            relay.close();
        }
        if (loops != null) {
            loops.release();
        }
        if (peer != null) {
            peer.close();
            peer.assertNoErrors();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void relaysBothWaysWithoutStallingWhileTheAgentEchoes(String transport) throws Exception {
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
        relay = openRelay(transport);
        byte[] payload = new byte[8 << 20];
        new Random(1).nextBytes(payload);
        Collector received = new Collector(5 + payload.length);
        Channel client = connectLocal(received);
        for (int off = 0; off < payload.length; off += 64 * 1024) {
            client.writeAndFlush(Unpooled.wrappedBuffer(payload, off, 64 * 1024));
        }
        assertTrue(received.complete.await(20, TimeUnit.SECONDS), "received " + received.bytes().length);
        byte[] all = received.bytes();
        assertEquals("early", new String(all, 0, 5, StandardCharsets.US_ASCII));
        assertArrayEquals(payload, Arrays.copyOfRange(all, 5, all.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void nothingFromTheGrpcSideReachesTheAgentBeforeItsReadyLine(String transport) throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            Thread.sleep(300); // the client's bytes have long been written to the local side
            p.configureBlocking(false);
            int early = p.read(ByteBuffer.allocate(64));
            p.configureBlocking(true);
            assertEquals(0, early, "bytes before the READY line");
            FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\n"));
            assertEquals("preface", new String(FakeAgentPeer.read(p, 7), StandardCharsets.US_ASCII));
            FakeAgentPeer.write(p, ascii("!"));
            FakeAgentPeer.read(p, 1);
        });
        relay = openRelay(transport);
        Collector received = new Collector(1);
        Channel client = connectLocal(received);
        client.writeAndFlush(Unpooled.copiedBuffer("preface", StandardCharsets.US_ASCII));
        assertTrue(received.complete.await(5, TimeUnit.SECONDS), "the agent's answer came through");
    }

    /**
     * A READY that comes before the gRPC side is even active (here: at once, from a peer in this JVM) must lose
     * none of the bytes the gRPC side then writes first, as its HTTP/2 preface. Many connections, as it is a race.
     */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void theFirstBytesOfTheGrpcSideSurviveAnEarlyReady(String transport) throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\n"));
            FakeAgentPeer.write(p, FakeAgentPeer.read(p, 7));
            FakeAgentPeer.read(p, 1);
        });
        relay = openRelay(transport);
        for (int i = 0; i < CONNECTIONS; i++) {
            Collector received = new Collector(7);
            Channel client = new Bootstrap()
                    .group(loops.local())
                    .channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer("preface", StandardCharsets.US_ASCII));
                            ctx.pipeline().addLast(received);
                        }
                    })
                    .connect(relay.address())
                    .syncUninterruptibly()
                    .channel();
            assertTrue(received.complete.await(5, TimeUnit.SECONDS), "connection " + i + ": no echo");
            assertEquals("preface", new String(received.bytes(), StandardCharsets.US_ASCII));
            client.close().syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void closingTheRelayClosesTheAgentSide(String transport) throws Exception {
        CountDownLatch agentSawEof = new CountDownLatch(1);
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {
            FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\nx"));
            FakeAgentPeer.read(p, 1);
            agentSawEof.countDown();
        });
        relay = openRelay(transport);
        Collector received = new Collector(1);
        Channel client = connectLocal(received);
        assertTrue(received.complete.await(5, TimeUnit.SECONDS), "the relay is running");
        relay.close();
        assertTrue(agentSawEof.await(2, TimeUnit.SECONDS));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void theAgentHangingUpClosesTheLocalSide(String transport) throws Exception {
        peer = new FakeAgentPeer(
                dir.resolve("a.sock"), (p, nonce) -> FakeAgentPeer.write(p, ascii("VC4J-READY " + nonce + " 1\n")));
        relay = openRelay(transport);
        Channel client = connectLocal(new Collector(0));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
        assertTrue(relay.obstacle().isEmpty(), "a session that ended is no failed attempt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aFailedHandshakeIsRecordedAndClosesTheLocalSide(String transport) throws Exception {
        peer = new FakeAgentPeer(dir.resolve("a.sock"), (p, nonce) -> {});
        relay = openRelay(transport);
        Channel client = connectLocal(new Collector(0));
        assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS));
        AgentException e =
                assertInstanceOf(AgentException.class, relay.obstacle().orElseThrow());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    private HandshakeRelay openRelay(String transport) {
        loops = AgentEventLoops.exclusive(
                transport.equals("nio") ? SocketTransport.nio("a test of the fallback") : SocketTransport.epoll());
        return new HandshakeRelay(new UnixSocketEndpoint(dir.resolve("a.sock")), loops, TIMEOUT);
    }

    private Channel connectLocal(Collector collector) {
        return new Bootstrap()
                .group(loops.local())
                .channel(LocalChannel.class)
                .handler(collector)
                .connect(relay.address())
                .syncUninterruptibly()
                .channel();
    }
}
