package dev.vc4j.agent;

import com.google.rpc.Code;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.GuestText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session's way to the agent: the one live {@link Http2Connection}, made when a call needs it and made again
 * after it broke. A call waits for a connection until its own deadline, as gRPC's wait-for-ready does: the VM may
 * still be booting, or the agent restarting its listener, so connect failures are retried every few
 * milliseconds, and an unanswered hello is given up after {@link AgentHandshake#ATTEMPT} for a fresh one.
 */
final class AgentLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    private static final long CONNECT_RETRY_MILLIS = 20;
    /** How often a wait for the agent looks at the VM's liveness. */
    private static final long LIVENESS_MILLIS = 100;

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final AgentEndpoint endpoint;
    private final int maxReplyBytes;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile Http2Connection current;
    private volatile Throwable obstacle;
    private volatile boolean closed;

    AgentLink(AgentEndpoint endpoint, int maxReplyBytes) {
        this.endpoint = endpoint;
        this.maxReplyBytes = maxReplyBytes;
    }

    AgentEndpoint endpoint() {
        return endpoint;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * What keeps the agent unreachable right now, if anything: the latest connect error, an unanswered or failed
     * handshake. Empty before the first attempt and after a handshake succeeded.
     */
    Optional<Throwable> obstacle() {
        return Optional.ofNullable(obstacle);
    }

    /**
     * A connection that takes calls, made now if there is none, before {@code deadline} ({@link System#nanoTime()}).
     * {@code liveness} runs between attempts and throws when waiting is pointless (a dead VM).
     */
    Http2Connection connection(long deadline, Runnable liveness) throws GrpcFailure {
        Http2Connection live = current;
        if (live != null && live.acceptsCalls()) {
            return live;
        }
        try {
            if (!connecting.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw noConnection();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting for the agent at " + endpoint, e);
        }
        try {
            while (true) {
                live = current;
                if (live != null && live.acceptsCalls()) {
                    return live;
                }
                if (closed) {
                    throw new GrpcFailure(
                            Code.UNAVAILABLE, "the session with the agent at " + endpoint + " is closed", null);
                }
                if (deadline - System.nanoTime() <= 0) {
                    throw noConnection();
                }
                liveness.run();
                Http2Connection made = attempt(deadline, liveness);
                if (made != null) {
                    current = made;
                    // a close() that came meanwhile did not see this connection
                    if (closed) {
                        made.close();
                        continue;
                    }
                    return made;
                }
            }
        } finally {
            connecting.unlock();
        }
    }

    /** One connect and handshake; null when it failed (the obstacle says why) and time is left to try again. */
    private Http2Connection attempt(long deadline, Runnable liveness) throws GrpcFailure {
        AgentSocket socket;
        try {
            socket = endpoint.connect(deadline);
        } catch (VcException e) {
            obstacle = e;
            LOG.debug("no connection to the agent at {}", endpoint, e);
            pause(deadline);
            return null;
        }
        Http2Connection connection = Http2Connection.start(endpoint, socket, maxReplyBytes);
        long attemptStart = System.nanoTime();
        long attemptEnd = Math.min(deadline, attemptStart + AgentHandshake.ATTEMPT.toNanos());
        try {
            String version = awaitReady(connection, attemptEnd, liveness);
            if (version != null) {
                obstacle = null;
                LOG.debug(
                        "agent {} at {} answered the handshake",
                        GuestText.bounded(version, GuestText.NAME_MAX),
                        endpoint);
                return connection;
            }
            // an attempt cut short by the caller's deadline says less than the failure before it
            if (attemptEnd != deadline || obstacle == null) {
                obstacle = new VcTimeoutException(
                        "handshake with the agent at " + endpoint, Duration.ofNanos(attemptEnd - attemptStart), null);
            }
        } catch (ExecutionException e) {
            obstacle = e.getCause();
            LOG.debug("no handshake with the agent at {}", endpoint, e.getCause());
            pause(deadline);
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        connection.close();
        return null;
    }

    /** The agent's version, or null when {@code attemptEnd} passed first. */
    private String awaitReady(Http2Connection connection, long attemptEnd, Runnable liveness)
            throws ExecutionException, GrpcFailure {
        while (true) {
            long left = attemptEnd - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            try {
                return connection
                        .ready()
                        .get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(LIVENESS_MILLIS)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                liveness.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                connection.close();
                throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting for the agent at " + endpoint, e);
            }
        }
    }

    private void pause(long deadline) throws GrpcFailure {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        try {
            Thread.sleep(Math.max(0, Math.min(CONNECT_RETRY_MILLIS, left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting for the agent at " + endpoint, e);
        }
    }

    private GrpcFailure noConnection() {
        return new GrpcFailure(
                Code.DEADLINE_EXCEEDED, "no connection to the agent at " + endpoint + " in time", obstacle);
    }

    /** Closes the connection; calls in flight fail at once, and later calls fail as UNAVAILABLE. */
    @Override
    public void close() {
        closed = true;
        Http2Connection last = current;
        if (last != null) {
            last.close();
            try {
                last.awaitEnd(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
