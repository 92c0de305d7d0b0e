package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vsock transport on this machine's kernel. These machines are VMs without /dev/vhost-vsock and without
 * vsock loopback, so nothing can accept a vsock connection here: what is tested is what the kernel allows
 * (a socket, a connect that fails) and, on a host without AF_VSOCK, the error that says so.
 */
class VsockKernelTest {
    /** A CID no VM has here: the connect goes nowhere and is never answered. */
    private static final long NOBODY = 0x7654_3210L;

    private static final int PORT = 1024;

    private static boolean kernelListsAfVsock() throws IOException {
        return Files.readString(Path.of("/proc/net/protocols")).contains("AF_VSOCK");
    }

    private static boolean hostHasAfVsock() {
        try {
            new VsockEndpoint(NOBODY, PORT).requireUsable(SocketTransport.detected());
            return true;
        } catch (AgentException e) {
            return false;
        }
    }

    @Test
    void anAfVsockSocketIsCreatedOrTheHostSaysItHasNone() throws IOException {
        VsockEndpoint endpoint = new VsockEndpoint(NOBODY, PORT);
        try {
            endpoint.requireUsable(SocketTransport.detected());
            assertTrue(kernelListsAfVsock(), "a vsock socket was created, yet the kernel lists no AF_VSOCK");
        } catch (AgentException e) {
            assertTrue(
                    e.getMessage().contains("EAFNOSUPPORT") && e.getMessage().contains("cid " + NOBODY),
                    e.getMessage());
            assertFalse(kernelListsAfVsock(), "the kernel lists AF_VSOCK, yet: " + e.getMessage());
        }
    }

    /**
     * A Netty vsock channel, connected as the relay does (CONNECT_TIMEOUT_MILLIS as the deadline): CID 1 (no
     * loopback transport here) and NOBODY never answer, so our deadline ends the connect, well before the kernel's
     * own 2 s; CID 2 is this VM's host, which answers at once that nothing listens (or that no transport reaches it).
     */
    @Test
    void aNettyVsockChannelFailsItsConnectWithinItsDeadlineNamingCidAndPort() throws Exception {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        Duration timeout = Duration.ofMillis(500);
        AgentEventLoops loops = AgentEventLoops.acquire();
        try {
            for (long cid : new long[] {1, 2, NOBODY}) {
                VsockEndpoint endpoint = new VsockEndpoint(cid, PORT);
                long started = System.nanoTime();
                ChannelFuture connect = new Bootstrap()
                        .group(loops.sockets())
                        .channelFactory(() -> endpoint.newChannel(loops.transport()))
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(endpoint.address(loops.transport()));
                assertTrue(connect.await(5, TimeUnit.SECONDS), "cid " + cid + ": the connect never ended");
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertFalse(connect.isSuccess(), "cid " + cid + ": connected");
                assertInstanceOf(EpollVsockChannel.class, connect.channel());
                // Netty fails the connect, then closes the channel
                assertTrue(
                        connect.channel().closeFuture().await(1, TimeUnit.SECONDS),
                        "cid " + cid + ": the failed channel is still open");
                assertTrue(
                        tookMillis < timeout.toMillis() + 1000, "cid " + cid + ": failed after " + tookMillis + " ms");
                VcException e = endpoint.connectFailure(connect.cause(), timeout);
                assertTrue(e.getMessage().contains("vsock cid " + cid + " port " + PORT), e.getMessage());
                if (cid != 2) {
                    assertInstanceOf(VcTimeoutException.class, e);
                    assertTrue(
                            tookMillis >= timeout.toMillis() - 10,
                            "cid " + cid + ": failed after " + tookMillis + " ms");
                } else {
                    assertInstanceOf(AgentException.class, e);
                    assertTrue(
                            e.getMessage().matches(".*\\((ECONNRESET|ECONNREFUSED|ENODEV|EHOSTUNREACH)\\).*"),
                            e.getMessage());
                }
            }
        } finally {
            loops.release();
        }
    }

    @Test
    void anAgentBehindAnUnreachableCidIsAConnectTimeoutNamingIt() {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        long started = System.nanoTime();
        VcTimeoutException e = assertThrows(
                VcTimeoutException.class,
                () -> new GrpcAgent()
                        .connect(
                                AgentChannel.vsock(NOBODY, PORT),
                                AgentConfig.defaults(),
                                Duration.ofSeconds(1),
                                () -> {}));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 3000, "took " + tookMillis + " ms");
        assertEquals(Duration.ofSeconds(1), e.deadline());
        assertTrue(e.getMessage().contains("vsock cid " + NOBODY + " port " + PORT), e.getMessage());
    }

    @Test
    void withoutTheNativeTransportVsockIsAnErrorThatSaysWhy() {
        AgentException e = assertThrows(
                AgentException.class,
                () -> new VsockEndpoint(7, PORT)
                        .requireUsable(
                                SocketTransport.nio("Netty's native epoll transport does not load on linux/riscv64")));
        assertTrue(
                e.getMessage().contains("vsock cid 7 port " + PORT)
                        && e.getMessage().contains("riscv64"),
                e.getMessage());
    }
}
