package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.proto.CheckResponse;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.AgentSession;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The default {@link Agent}: gRPC to the vc4j guest agent over the VM's recorded channel (vsock, or the unix
 * socket of its virtio-serial port), each connection opened with the nonce handshake. All sessions, of every
 * instance, run on the same two event loop threads ({@link AgentEventLoops}): a session or reconnect adds none.
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
        socket.requireUsable(SocketTransport.detected());
        long deadline = System.nanoTime() + timeout.toNanos();
        // The same budget serves reconnects later on, when a short connect timeout would be too tight.
        Duration attemptTimeout = timeout.compareTo(config.callTimeout()) > 0 ? timeout : config.callTimeout();
        GrpcAgentSession session = GrpcAgentSession.open(socket, config, attemptTimeout, AgentEventLoops.acquire());
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
            Future<CheckResponse> check = session.checkAsync(Duration.ofNanos(left));
            try {
                CheckResponse response = await(check, vmLiveness);
                LOG.debug("Check answered {} in {} ms", response.getStatus(), AgentCalls.millisSince(started));
                if (response.getStatus() == CheckResponse.ServingStatus.SERVING) {
                    return;
                }
                lastCause = new AgentException("Check", "the agent answered " + response.getStatus(), null);
            } catch (ExecutionException e) {
                RuntimeException failure = AgentCalls.translate("Check", Duration.ofNanos(left), e.getCause());
                Status.Code code = Status.fromThrowable(e.getCause()).getCode();
                LOG.debug("Check failed after {} ms: {}", AgentCalls.millisSince(started), code);
                // UNAVAILABLE: the connection broke and will be retried; DEADLINE_EXCEEDED: the loop's deadline.
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                    throw failure;
                }
                lastCause = failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentException("connect", "interrupted while waiting for the agent at " + socket, e);
            } finally {
                check.cancel(true);
            }
            pause(vmLiveness, deadline);
        }
    }

    private static <T> T await(Future<T> future, Runnable vmLiveness) throws ExecutionException, InterruptedException {
        while (true) {
            vmLiveness.run();
            try {
                return future.get(LIVENESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not answered yet: look at the VM again
            }
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
