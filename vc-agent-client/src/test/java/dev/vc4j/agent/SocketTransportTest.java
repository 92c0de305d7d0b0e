package dev.vc4j.agent;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The transport under the agent connections: epoll where it loads, NIO where it does not, with the real agent. */
class SocketTransportTest extends HostModeFixture {

    /** vc4j ships the native library for x86_64 Linux, so there the fallback would be a packaging mistake. */
    @Test
    void theNativeTransportLoadsOnX8664Linux() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the native library is shipped for x86_64");
        assertTrue(SocketTransport.detected().isEpoll(), String.valueOf(Epoll.unavailabilityCause()));
    }

    /** What another architecture gets: the same session over NIO's unix socket. */
    @Test
    void aSessionRunsOnTheNioFallback() {
        GrpcAgentSession opened = GrpcAgentSession.open(
                new UnixSocketEndpoint(agent.socket()),
                CONFIG,
                CONNECT_TIMEOUT,
                AgentEventLoops.exclusive(SocketTransport.nio("a test of the fallback")));
        session = opened;
        opened.check();
        ExecResult r = opened.runProcess(GuestCommand.of("sh", "-c", "head -c 300000 /dev/zero | wc -c"));
        assertEquals("300000\n", r.stdoutText());
    }
}
