package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentChannel;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The vsock transport short of the kernel: the address bytes, the choice of transport, what errors mean. */
class VsockTransportTest {

    @Test
    void sockaddrVmIsFamilyReservedPortCidFlagsInSixteenBytes() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the expected bytes are little-endian");
        byte[] expected = {
            40, 0,                              // svm_family AF_VSOCK
            0, 0,                               // svm_reserved1
            0x00, 0x04, 0, 0,                   // svm_port 1024
            (byte) 0xEF, (byte) 0xBE, (byte) 0xAD, (byte) 0xDE, // svm_cid 0xDEADBEEF
            0,                                  // svm_flags
            0, 0, 0};                           // svm_zero
        assertArrayEquals(expected, VsockNative.sockaddrVm(0xDEAD_BEEFL, 1024));
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
        for (int errno : new int[] {0, VsockErrors.ETIMEDOUT}) {
            VcTimeoutException e = assertInstanceOf(VcTimeoutException.class,
                    VsockErrors.connectFailure(errno, 7, 1024, timeout));
            assertEquals(timeout, e.deadline());
            assertEquals("connect to the agent at vsock cid 7 port 1024", e.operation());
        }
    }

    @Test
    void aRefusedConnectIsAnAgentErrorNamingCidPortAndErrno() {
        for (int errno : new int[] {VsockErrors.ECONNREFUSED, VsockErrors.ECONNRESET}) {
            VcException e = VsockErrors.connectFailure(errno, 7, 1024, Duration.ofSeconds(1));
            assertInstanceOf(AgentException.class, e);
            assertTrue(e.getMessage().contains("nothing listens on vsock cid 7 port 1024")
                    && e.getMessage().contains(VsockErrors.name(errno)), e.getMessage());
        }
        VcException other = VsockErrors.connectFailure(VsockErrors.ENODEV, 7, 1024, Duration.ofSeconds(1));
        assertTrue(other.getMessage().contains("vsock cid 7 port 1024 (ENODEV)"), other.getMessage());
        assertTrue(VsockErrors.connectFailure(1, 7, 1024, Duration.ofSeconds(1)).getMessage().contains("errno 1"));
    }

    @Test
    void aHostWithoutAfVsockIsAnAgentErrorThatSaysSo() {
        AgentException e = VsockErrors.socketFailure(VsockErrors.EAFNOSUPPORT, 7, 1024);
        assertEquals("connect", e.rpc());
        assertTrue(e.getMessage().contains("vsock cid 7 port 1024") && e.getMessage().contains("no AF_VSOCK")
                && e.getMessage().contains("EAFNOSUPPORT"), e.getMessage());
    }
}
