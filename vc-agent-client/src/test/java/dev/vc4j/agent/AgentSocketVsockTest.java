package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's socket on AF_VSOCK, on this machine's kernel. As in {@link VsockKernelTest}: these machines are VMs
 * without /dev/vhost-vsock, so nothing accepts a vsock connection here; what is tested is what the kernel allows
 * (a socket, connects that fail, each as the user sees it) and, on a host without AF_VSOCK, the error that says so.
 */
@ExtendWith(NoSocketLeftOpen.class)
class AgentSocketVsockTest {
    /** A CID no VM has here: the connect goes nowhere and is never answered. */
    private static final long NOBODY = 0x7654_3210L;

    private static final int PORT = 1024;
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static boolean kernelListsAfVsock() throws IOException {
        return Files.readString(Path.of("/proc/net/protocols")).contains("AF_VSOCK");
    }

    private static boolean hostHasAfVsock() {
        try {
            new VsockEndpoint(NOBODY, PORT).requireReachable();
            return true;
        } catch (AgentException e) {
            return false;
        }
    }

    /** With vsock_loopback, CID 1 is this host, which answers at once; without it, the connect goes unanswered. */
    private static boolean kernelHasVsockLoopback() {
        return Files.isDirectory(Path.of("/sys/module/vsock_loopback"));
    }

    @Test
    void anAfVsockSocketIsCreatedOrTheHostSaysItHasNone() throws IOException {
        VsockEndpoint endpoint = new VsockEndpoint(NOBODY, PORT);
        try {
            endpoint.requireReachable();
            assertTrue(kernelListsAfVsock(), "a vsock socket was created, yet the kernel lists no AF_VSOCK");
        } catch (AgentException e) {
            assertEquals(
                    "agent connect: cannot reach vsock cid " + NOBODY + " port " + PORT
                            + ": this host has no AF_VSOCK sockets (EAFNOSUPPORT); load the vsock kernel modules",
                    e.getMessage());
            assertFalse(kernelListsAfVsock(), "the kernel lists AF_VSOCK, yet: " + e.getMessage());
            // a connect fails the same way, before it tries anything
            AgentException connect =
                    assertThrows(AgentException.class, () -> endpoint.connect(System.nanoTime() + TIMEOUT.toNanos()));
            assertEquals(e.getMessage(), connect.getMessage());
        }
    }

    /**
     * A connect to a CID nobody answers for ends at its deadline, well before the kernel's own 2 s, as a timeout
     * naming cid and port; a CID that answers (CID 2, this VM's host; CID 1 with vsock loopback) that nothing
     * listens there, or that no transport reaches it, at once.
     */
    @Test
    void aConnectFailsWithinItsDeadlineNamingCidAndPort() {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        for (long cid : new long[] {1, 2, NOBODY}) {
            boolean answers = cid == 2 || (cid == 1 && kernelHasVsockLoopback());
            long started = System.nanoTime();
            VcException e = assertThrows(
                    VcException.class, () -> new VsockEndpoint(cid, PORT).connect(started + TIMEOUT.toNanos()));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(e.getMessage().contains("vsock cid " + cid + " port " + PORT), e.getMessage());
            assertTrue(tookMillis < TIMEOUT.toMillis() + 1000, "cid " + cid + ": failed after " + tookMillis + " ms");
            if (answers) {
                assertInstanceOf(AgentException.class, e);
                assertTrue(
                        e.getMessage().matches(".*\\((ECONNRESET|ECONNREFUSED|ENODEV|EHOSTUNREACH)\\).*"),
                        e.getMessage());
            } else {
                VcTimeoutException timeout = assertInstanceOf(VcTimeoutException.class, e);
                assertEquals("connect to the agent at vsock cid " + cid + " port " + PORT, timeout.operation());
                assertTrue(tookMillis >= TIMEOUT.toMillis(), "cid " + cid + ": failed after " + tookMillis + " ms");
                assertTrue(
                        timeout.deadline().compareTo(TIMEOUT) <= 0
                                && timeout.deadline().compareTo(TIMEOUT.minusMillis(50)) >= 0,
                        "the timeout named: " + timeout.deadline());
            }
        }
    }

    /** A deadline that passed already is a timeout at once, with the connect never waited for. */
    @Test
    void aConnectWhoseDeadlineHasPassedIsATimeoutAtOnce() {
        assumeTrue(hostHasAfVsock(), "this host has no AF_VSOCK (that error is tested above)");
        long started = System.nanoTime();
        VcTimeoutException e =
                assertThrows(VcTimeoutException.class, () -> AgentSocket.connectVsock(NOBODY, PORT, started - 1));
        assertTrue(System.nanoTime() - started < 200_000_000L, "the connect waited");
        assertEquals(Duration.ZERO, e.deadline());
    }
}
