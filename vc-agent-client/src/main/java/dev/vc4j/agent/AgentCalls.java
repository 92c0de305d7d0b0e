package dev.vc4j.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import dev.vc4j.AgentException;
import dev.vc4j.AlreadyExistsException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.GuestText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Optional;

/**
 * Unary calls on one channel: a deadline on each, retries on UNAVAILABLE for the calls that may run twice,
 * and the agent's errors turned into vc-api's exceptions from their structure (agent.proto's AgentError and the
 * google.rpc details beside it), never from their text. Each call is a debug line with its name, outcome and
 * duration (never its arguments); a call that is retried is a warning.
 */
final class AgentCalls {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent.rpc");
    private static final Runnable NO_LIVENESS = () -> {};

    /** Whether a call may run twice without harm; only those are retried. */
    enum Retry {
        IDEMPOTENT,
        ONCE
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final AgentLink link;

    AgentCalls(AgentLink link) {
        this.link = link;
    }

    <R extends Message> R call(AgentRpc<R> rpc, Message request, Duration deadline, Retry retry) {
        long started = System.nanoTime();
        long end = started + deadline.toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                R reply = callOnce(rpc, request, end, NO_LIVENESS);
                LOG.debug("{} answered in {} ms", rpc.name(), millisSince(started));
                return reply;
            } catch (GrpcFailure e) {
                // a session that was closed stays closed: its calls fail at once rather than until the deadline
                boolean again = retry == Retry.IDEMPOTENT
                        && e.code() == Code.UNAVAILABLE
                        && !link.isClosed()
                        && end - System.nanoTime() > backoff.toNanos();
                if (!again) {
                    LOG.debug(
                            "{} failed after {} ms: {} {}",
                            rpc.name(),
                            millisSince(started),
                            e.code(),
                            GuestText.bounded(e.description(), GuestText.TEXT_MAX));
                    throw translate(rpc.name(), deadline, e);
                }
                // one warning a call; the retries after the first are the same story
                LOG.atLevel(backoff.equals(FIRST_BACKOFF) ? Level.WARN : Level.DEBUG)
                        .log(
                                "{} found the agent unreachable after {} ms: retrying in {} ms",
                                rpc.name(),
                                millisSince(started),
                                backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * One attempt at a call, waiting for a connection until {@code deadline} ({@link System#nanoTime()}) while
     * {@code liveness} holds. A reply that does not parse is an INTERNAL failure.
     */
    <R extends Message> R callOnce(AgentRpc<R> rpc, Message request, long deadline, Runnable liveness)
            throws GrpcFailure {
        byte[] reply = link.connection(deadline, liveness).call(rpc.path(), request.toByteArray(), deadline);
        try {
            return rpc.replyParser().parseFrom(reply);
        } catch (InvalidProtocolBufferException e) {
            throw new GrpcFailure(Code.INTERNAL, "the agent's reply to " + rpc.name() + " does not parse", e);
        }
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
    static RuntimeException translate(String rpc, Duration deadline, GrpcFailure e) {
        Code code = e.code();
        String description = GuestText.bounded(e.description(), GuestText.TEXT_MAX);
        Optional<AgentErrorDetails> details = AgentErrorDetails.of(e);
        if (code == Code.DEADLINE_EXCEEDED) {
            return new VcTimeoutException("agent " + rpc, deadline, e);
        }
        if (details.isEmpty()) {
            String message = code + (description.isEmpty() ? "" : ": " + description);
            boolean lost = code == Code.UNAVAILABLE || code == Code.CANCELLED;
            return lost ? AgentException.unreachable(rpc, message, e) : new AgentException(rpc, message, e);
        }
        AgentErrorDetails agent = details.get();
        if (code == Code.INVALID_ARGUMENT && agent.field().isPresent()) {
            return new InvalidConfigException(
                    GuestText.bounded(agent.field().get().getField(), GuestText.NAME_MAX),
                    GuestText.bounded(agent.error().getValue(), GuestText.TEXT_MAX),
                    GuestText.bounded(agent.field().get().getDescription(), GuestText.TEXT_MAX));
        }
        if (agent.resource().isPresent() && (code == Code.NOT_FOUND || code == Code.ALREADY_EXISTS)) {
            String kind = GuestText.bounded(agent.resource().get().getResourceType(), GuestText.NAME_MAX);
            String name = GuestText.bounded(agent.resource().get().getResourceName(), GuestText.NAME_MAX);
            return code == Code.NOT_FOUND ? new NotFoundException(kind, name) : new AlreadyExistsException(kind, name);
        }
        return new AgentException(rpc, agent.error().getKind() + ": " + description, e);
    }
}
