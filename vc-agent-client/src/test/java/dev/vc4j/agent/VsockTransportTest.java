package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentChannel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.VSockAddress;
import io.netty.channel.unix.Errors;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vsock transport short of the kernel: the address, the choice of transport, what errors mean. */
class VsockTransportTest {

    /** CIDs are unsigned 32-bit: one above 2^31 keeps its bits in Netty's int. */
    @Test
    void theAddressCarriesCidAndPort() {
        VSockAddress address = assertInstanceOf(
                VSockAddress.class, new VsockEndpoint(0xDEAD_BEEFL, 1024).address(SocketTransport.detected()));
        assertEquals(0xDEAD_BEEFL, Integer.toUnsignedLong(address.getCid()));
        assertEquals(1024, address.getPort());
        assertEquals(new VSockAddress(3, 1024), new VsockEndpoint(3, 1024).address(SocketTransport.detected()));
    }

    @Test
    void theRecordedChannelChoosesTheTransport() {
        AgentEndpoint vsock = AgentEndpoint.of(AgentChannel.vsock(42, 1024));
        assertEquals(new VsockEndpoint(42, 1024), vsock);
        assertEquals("vsock cid 42 port 1024", vsock.toString());
        Path socket = Path.of("/run/vc4j/sbs/sb1/agent.sock");
        AgentEndpoint serial = AgentEndpoint.of(AgentChannel.virtioSerial(socket));
        assertEquals(new UnixSocketEndpoint(socket), serial);
        assertEquals(socket.toString(), serial.toString());
    }

    @Test
    void aConnectThatTimesOutIsATimeoutNamingCidAndPort() {
        Duration timeout = Duration.ofMillis(750);
        for (int errno : new int[] {0, ConnectErrors.ETIMEDOUT}) {
            VcTimeoutException e = assertInstanceOf(
                    VcTimeoutException.class, ConnectErrors.vsockConnectFailure(errno, 7, 1024, timeout, null));
            assertEquals(timeout, e.deadline());
            assertEquals("connect to the agent at vsock cid 7 port 1024", e.operation());
        }
    }

    @Test
    void aRefusedConnectIsAnAgentErrorNamingCidPortAndErrno() {
        for (int errno : new int[] {ConnectErrors.ECONNREFUSED, ConnectErrors.ECONNRESET}) {
            VcException e = ConnectErrors.vsockConnectFailure(errno, 7, 1024, Duration.ofSeconds(1), null);
            assertInstanceOf(AgentException.class, e);
            assertTrue(
                    e.getMessage().contains("nothing listens on vsock cid 7 port 1024")
                            && e.getMessage().contains(ConnectErrors.name(errno)),
                    e.getMessage());
        }
        VcException other =
                ConnectErrors.vsockConnectFailure(ConnectErrors.ENODEV, 7, 1024, Duration.ofSeconds(1), null);
        assertTrue(other.getMessage().contains("vsock cid 7 port 1024 (ENODEV)"), other.getMessage());
        assertTrue(ConnectErrors.vsockConnectFailure(1, 7, 1024, Duration.ofSeconds(1), null)
                .getMessage()
                .contains("errno 1"));
    }

    @Test
    void aHostWithoutAfVsockIsAnAgentErrorThatSaysSo() {
        AgentException e = ConnectErrors.vsockSocketFailure(ConnectErrors.EAFNOSUPPORT, 7, 1024, null);
        assertEquals("connect", e.rpc());
        assertTrue(
                e.getMessage().contains("vsock cid 7 port 1024")
                        && e.getMessage().contains("no AF_VSOCK")
                        && e.getMessage().contains("EAFNOSUPPORT"),
                e.getMessage());
    }

    /** Netty reports connect errors as exception types, or with the errno in the message only. */
    @Test
    void theErrnoIsReadFromNettysConnectFailures() {
        assertEquals(0, ConnectErrors.errno(new ConnectTimeoutException("connection timed out after 500 ms")));
        assertEquals(
                ConnectErrors.EAFNOSUPPORT,
                ConnectErrors.errno(new IllegalStateException(
                        new Errors.NativeIoException("newVSockStream", -ConnectErrors.EAFNOSUPPORT))));
        assertEquals(
                ConnectErrors.ECONNRESET,
                ConnectErrors.errno(
                        new ConnectException("finishConnect(..) failed with error(-104):Connection reset by peer")));
        assertEquals(ConnectErrors.EHOSTUNREACH, ConnectErrors.errno(new NoRouteToHostException()));
        assertEquals(ConnectErrors.ENOENT, ConnectErrors.errno(new FileNotFoundException()));
        assertEquals(-1, ConnectErrors.errno(new IOException("No such file or directory")));
    }
}
