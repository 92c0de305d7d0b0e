package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.AlreadyExistsException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.proto.AgentServiceGrpc;
import dev.vc4j.spi.GuestText;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Unary calls on one channel: a deadline on each, retries on UNAVAILABLE for the calls that may run twice,
 * and the agent's errors turned into vc-api's exceptions from their structure (agent.proto's AgentError and the
 * google.rpc details beside it), never from their text. Each call is a debug line with its name, outcome and
 * duration (never its arguments); a call that is retried is a warning.
 */
final class AgentCalls {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent.rpc");

    /** Whether a call may run twice without harm; only those are retried. */
    enum Retry {
        IDEMPOTENT,
        ONCE
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final ManagedChannel channel;

    AgentCalls(ManagedChannel channel) {
        this.channel = channel;
    }

    <T> T call(
            String rpc, Duration deadline, Retry retry, Function<AgentServiceGrpc.AgentServiceBlockingStub, T> call) {
        long started = System.nanoTime();
        long end = started + deadline.toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            long left = end - System.nanoTime();
            try {
                T reply = call.apply(stub(Duration.ofNanos(Math.max(1, left))));
                LOG.debug("{} answered in {} ms", rpc, millisSince(started));
                return reply;
            } catch (StatusRuntimeException e) {
                // a channel this session closed stays closed: its calls fail at once rather than until the deadline
                boolean again = retry == Retry.IDEMPOTENT
                        && e.getStatus().getCode() == Status.Code.UNAVAILABLE
                        && !channel.isShutdown()
                        && end - System.nanoTime() > backoff.toNanos();
                if (!again) {
                    LOG.debug(
                            "{} failed after {} ms: {} {}",
                            rpc,
                            millisSince(started),
                            e.getStatus().getCode(),
                            GuestText.bounded(e.getStatus().getDescription(), GuestText.TEXT_MAX));
                    throw translate(rpc, deadline, e);
                }
                // one warning a call; the retries after the first are the same story
                LOG.atLevel(backoff.equals(FIRST_BACKOFF) ? Level.WARN : Level.DEBUG)
                        .log(
                                "{} found the agent unreachable after {} ms: retrying in {} ms",
                                rpc,
                                millisSince(started),
                                backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private AgentServiceGrpc.AgentServiceBlockingStub stub(Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(channel)
                .withWaitForReady()
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("retry", "interrupted", e);
        }
    }

    /**
     * The vc-api exception for a failed RPC: a rejected field is an {@link InvalidConfigException} naming it and its
     * value, a missing or existing resource a {@link NotFoundException} or {@link AlreadyExistsException}, a failure
     * without the agent's details on UNAVAILABLE or CANCELLED a lost connection ({@link AgentException#unreachable}).
     * Every string from the guest goes through {@link GuestText}.
     */
    static RuntimeException translate(String rpc, Duration deadline, Throwable e) {
        Status status = Status.fromThrowable(e);
        String description = GuestText.bounded(status.getDescription(), GuestText.TEXT_MAX);
        Optional<AgentErrorDetails> details = AgentErrorDetails.of(e);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return new VcTimeoutException("agent " + rpc, deadline, e);
        }
        if (details.isEmpty()) {
            String message = status.getCode() + (description.isEmpty() ? "" : ": " + description);
            boolean lost = status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.CANCELLED;
            return lost ? AgentException.unreachable(rpc, message, e) : new AgentException(rpc, message, e);
        }
        AgentErrorDetails agent = details.get();
        if (status.getCode() == Status.Code.INVALID_ARGUMENT && agent.field().isPresent()) {
            return new InvalidConfigException(
                    GuestText.bounded(agent.field().get().getField(), GuestText.NAME_MAX),
                    GuestText.bounded(agent.error().getValue(), GuestText.TEXT_MAX),
                    GuestText.bounded(agent.field().get().getDescription(), GuestText.TEXT_MAX));
        }
        if (agent.resource().isPresent()
                && (status.getCode() == Status.Code.NOT_FOUND || status.getCode() == Status.Code.ALREADY_EXISTS)) {
            String kind = GuestText.bounded(agent.resource().get().getResourceType(), GuestText.NAME_MAX);
            String name = GuestText.bounded(agent.resource().get().getResourceName(), GuestText.NAME_MAX);
            return status.getCode() == Status.Code.NOT_FOUND
                    ? new NotFoundException(kind, name)
                    : new AlreadyExistsException(kind, name);
        }
        return new AgentException(rpc, agent.error().getKind() + ": " + description, e);
    }
}
