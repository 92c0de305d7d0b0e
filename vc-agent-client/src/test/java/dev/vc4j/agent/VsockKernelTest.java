package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vsock transport on this machine's kernel. These machines are VMs without /dev/vhost-vsock and without
 * vsock loopback, so nothing can accept a vsock connection here: what is tested is what the kernel allows
 * (a socket, a connect that fails) and, on a host without AF_VSOCK, the error that says so.
 */
class VsockKernelTest {
    /** A CID no VM has here: the connect goes nowhere (times out in the kernel after 2 s). */
    private static final long NOBODY = 0x7654_3210L;
    private static final int PORT = 1024;

    private static boolean kernelListsAfVsock() throws IOException {
        return Files.readString(Path.of("/proc/net/protocols")).contains("AF_VSOCK");
    }

    private static boolean hostHasAfVsock() {
        try {
            new VsockEndpoint(NOBODY, PORT).requireUsable();
            return true;
        } catch (AgentException e) {
            return false;
        }
    }

    @Test
    void anAfVsockSocketIsCreatedOrTheHostSaysItHasNone() throws IOException {
        VsockEndpoint endpoint = new VsockEndpoint(NOBODY, PORT);
        try {
            endpoint.requireUsable();
            assertTrue(kernelListsAfVsock(), "a vsock socket was created, yet the kernel lists no AF_VSOCK");
        } catch (AgentException e) {
            assertTrue(e.getMessage().contains("EAFNOSUPPORT") && e.getMessage().contains("cid " + NOBODY), e.getMessage());
            assertFalse(kernelListsAfVsock(), "the kernel lists AF_VSOCK, yet: " + e.getMessage());
        }
    }

    @Test
    void aConnectToACidWithNoListenerFailsWithinItsDeadlineNamingCidAndPort() {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        // CID 2 is this VM's host, which answers with a reset; NOBODY answers nothing
        for (long cid : new long[] {2, NOBODY}) {
            Duration timeout = Duration.ofMillis(500);
            long started = System.nanoTime();
            VcException e = assertThrows(VcException.class, () -> new VsockEndpoint(cid, PORT).connect(timeout).close());
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 1500, "cid " + cid + ": failed after " + tookMillis + " ms");
            assertTrue(e instanceof AgentException || e instanceof VcTimeoutException, e.toString());
            assertTrue(e.getMessage().contains("vsock cid " + cid + " port " + PORT), e.getMessage());
        }
    }

    @Test
    void anAgentBehindAnUnreachableCidIsAConnectTimeoutNamingIt() {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        long started = System.nanoTime();
        VcTimeoutException e = assertThrows(VcTimeoutException.class, () -> new GrpcAgent().connect(
                AgentChannel.vsock(NOBODY, PORT), AgentConfig.defaults(), Duration.ofSeconds(1), () -> { }));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 3000, "took " + tookMillis + " ms");
        assertEquals(Duration.ofSeconds(1), e.deadline());
        assertTrue(e.getMessage().contains("vsock cid " + NOBODY + " port " + PORT), e.getMessage());
    }
}
