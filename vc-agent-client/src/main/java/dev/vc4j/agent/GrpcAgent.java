package dev.vc4j.agent;

import com.google.rpc.Code;
import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.proto.CheckResponse;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.AgentSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link Agent}: gRPC to the vc4j guest agent over the VM's recorded channel (vsock, or the unix
 * socket of its virtio-serial port), each connection opened with the nonce handshake. A session holds one
 * connection and its reader thread while it is open.
 */
public final class GrpcAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent.rpc");
    // How often the VM's liveness is checked while the agent has not answered yet.
    private static final long LIVENESS_INTERVAL_MILLIS = 100;

    @Override
    public AgentSession connect(AgentChannel channel, AgentConfig config, Duration timeout, Runnable vmLiveness) {
        config.validate("agent");
        AgentEndpoint socket = AgentEndpoint.of(channel);
        // a host without AF_VSOCK fails now, not after the whole timeout of retries
        socket.requireReachable();
        long deadline = System.nanoTime() + timeout.toNanos();
        GrpcAgentSession session = new GrpcAgentSession(socket, config);
        try {
            awaitServing(session, socket, deadline, timeout, vmLiveness);
            return session;
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    /** {@link #connect(AgentChannel, AgentConfig, Duration, Runnable)} to the virtio-serial port behind {@code socket}. */
    public AgentSession connect(Path socket, AgentConfig config, Duration timeout, Runnable vmLiveness) {
        return connect(AgentChannel.virtioSerial(socket), config, timeout, vmLiveness);
    }

    /** Repeats Check until it answers SERVING; a dead VM (vmLiveness throws) ends the wait with its exception. */
    private static void awaitServing(
            GrpcAgentSession session, AgentEndpoint socket, long deadline, Duration timeout, Runnable vmLiveness) {
        Throwable lastCause = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new VcTimeoutException(
                        "connect to the agent at " + socket,
                        timeout,
                        session.connectObstacle().orElse(lastCause));
            }
            long started = System.nanoTime();
            try {
                CheckResponse response = session.checkOnce(deadline, vmLiveness);
                LOG.debug("Check answered {} in {} ms", response.getStatus(), AgentCalls.millisSince(started));
                if (response.getStatus() == CheckResponse.ServingStatus.SERVING) {
                    return;
                }
                lastCause = new AgentException("Check", "the agent answered " + response.getStatus(), null);
            } catch (GrpcFailure e) {
                RuntimeException failure = AgentCalls.translate("Check", Duration.ofNanos(left), e);
                LOG.debug("Check failed after {} ms: {}", AgentCalls.millisSince(started), e.code());
                // UNAVAILABLE: the connection broke and will be made again; DEADLINE_EXCEEDED: the loop's deadline.
                if (e.code() != Code.UNAVAILABLE && e.code() != Code.DEADLINE_EXCEEDED) {
                    throw failure;
                }
                lastCause = failure;
            }
            pause(vmLiveness, deadline);
        }
    }

    private static void pause(Runnable vmLiveness, long deadline) {
        vmLiveness.run();
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        try {
            Thread.sleep(Math.max(0, Math.min(LIVENESS_INTERVAL_MILLIS, left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("connect", "interrupted while waiting for the agent", e);
        }
    }
}
