package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentChannel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vsock transport short of the kernel: the choice of transport, what errors mean. */
class VsockTransportTest {

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
}
