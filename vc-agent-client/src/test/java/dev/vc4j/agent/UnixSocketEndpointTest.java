package dev.vc4j.agent;

import dev.vc4j.AgentException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a failed connect to the agent's unix socket reports while the relay retries (the obstacle a timeout names
 * as its cause): each errno as a typed error naming the socket, found at once, not at the attempt's deadline.
 */
class UnixSocketEndpointTest {
    private static final Duration ATTEMPT = Duration.ofSeconds(30);
    private static final long REPORTED_WITHIN_MILLIS = 3000;

    @TempDir
    Path dir;

    private AgentEventLoops loops;
    private HandshakeRelay relay;

    @BeforeEach
    void holdLoops() {
        loops = AgentEventLoops.acquire();
    }

    @AfterEach
    void closeRelay() {
        if (relay != null) {
            relay.close();
        }
        loops.release();
    }

    /** QEMU's chardev takes one client at a time: a connect behind a full backlog must not wait for the deadline. */
    @Test
    void aListenerThatAcceptsNothingMoreFailsTheConnectAtOnce() throws Exception {
        Path socket = dir.resolve("busy.sock");
        List<SocketChannel> waiting = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            while (true) { // fill the backlog, which never gets accepted
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                client.configureBlocking(false);
                waiting.add(client);
                try {
                    if (!client.connect(UnixDomainSocketAddress.of(socket))) {
                        break;
                    }
                } catch (IOException full) {
                    break;
                }
                assertTrue(waiting.size() < 100, "the backlog never filled");
            }
            assertObstacle(socket, "backlog is full (EAGAIN)");
        } finally {
            for (SocketChannel c : waiting) {
                c.close();
            }
        }
    }

    @Test
    void aMissingSocketIsNamedAsMissing() throws Exception {
        assertObstacle(dir.resolve("none.sock"), "no such socket (ENOENT)");
    }

    /** What QEMU leaves behind when it is killed: the socket file, with nobody listening. */
    @Test
    void aSocketNobodyListensOnIsARefusedConnect() throws Exception {
        Path socket = dir.resolve("left.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        server.close();
        assertTrue(Files.exists(socket));
        assertObstacle(socket, "nothing listens on " + socket + " (ECONNREFUSED)");
    }

    private void assertObstacle(Path socket, String expected) throws InterruptedException {
        relay = new HandshakeRelay(new UnixSocketEndpoint(socket), loops, ATTEMPT);
        long started = System.nanoTime();
        new Bootstrap()
                .group(loops.local())
                .channel(LocalChannel.class)
                .handler(new Collector(0))
                .connect(relay.address())
                .syncUninterruptibly();
        Optional<Throwable> obstacle = relay.obstacle();
        while (obstacle.isEmpty() && System.nanoTime() - started < REPORTED_WITHIN_MILLIS * 1_000_000) {
            Thread.sleep(10);
            obstacle = relay.obstacle();
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(obstacle.isPresent(), "no obstacle after " + tookMillis + " ms");
        AgentException e = assertInstanceOf(AgentException.class, obstacle.get());
        assertTrue(e.getMessage().contains(socket.toString()) && e.getMessage().contains(expected), e.getMessage());
    }
}
