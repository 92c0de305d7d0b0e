package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.AlreadyExistsException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.proto.AgentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unary calls on one channel: a deadline on each, retries on UNAVAILABLE for the calls that may run twice,
 * and the agent's status codes turned into vc-api's exceptions.
 */
final class AgentCalls {
    /** Whether a call may run twice without harm; only those are retried. */
    enum Retry { IDEMPOTENT, ONCE }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);
    /**
     * How the agent names what it rejects, when it can: {@code <field> `<value>`: <reason>}, e.g.
     * {@code addresses[0] `10.0.0.1/33`: the prefix length is over 32} or {@code interface `eth9`: no such interface}.
     */
    private static final Pattern NAMED_VALUE = Pattern.compile("([A-Za-z_][A-Za-z0-9_.\\[\\]]*) `([^`]*)`: (.+)",
            Pattern.DOTALL);

    /** What a call is about, for the exceptions: e.g. {@code container} {@code web-1}. */
    record Subject(String what, String id) {
        static final Subject NONE = new Subject("", "");
    }

    private final ManagedChannel channel;

    AgentCalls(ManagedChannel channel) {
        this.channel = channel;
    }

    <T> T call(String rpc, Subject subject, Duration deadline, Retry retry,
            Function<AgentServiceGrpc.AgentServiceBlockingStub, T> call) {
        long end = System.nanoTime() + deadline.toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            long left = end - System.nanoTime();
            try {
                return call.apply(stub(Duration.ofNanos(Math.max(1, left))));
            } catch (StatusRuntimeException e) {
                boolean again = retry == Retry.IDEMPOTENT && e.getStatus().getCode() == Status.Code.UNAVAILABLE
                        && end - System.nanoTime() > backoff.toNanos();
                if (!again) {
                    throw translate(rpc, subject, deadline, e);
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    AgentServiceGrpc.AgentServiceBlockingStub stub(Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(channel).withWaitForReady()
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("retry", "interrupted", e);
        }
    }

    /** The vc-api exception for a failed RPC. */
    static RuntimeException translate(String rpc, Subject subject, Duration deadline, Throwable e) {
        Status status = Status.fromThrowable(e);
        String description = status.getDescription() != null ? status.getDescription() : "";
        Matcher named = NAMED_VALUE.matcher(description);
        if (named.matches() && status.getCode() == Status.Code.INVALID_ARGUMENT) {
            return new InvalidConfigException(named.group(1), named.group(2), named.group(3));
        }
        if (named.matches() && status.getCode() == Status.Code.NOT_FOUND) {
            return new NotFoundException(named.group(1), named.group(2));
        }
        switch (status.getCode()) {
            case DEADLINE_EXCEEDED:
                return new VcTimeoutException("agent " + rpc, deadline, e);
            case NOT_FOUND:
                if (!subject.what().isEmpty()) {
                    return new NotFoundException(subject.what(), subject.id());
                }
                break;
            case ALREADY_EXISTS:
                if (!subject.what().isEmpty()) {
                    return new AlreadyExistsException(subject.what(), subject.id());
                }
                break;
            case INVALID_ARGUMENT:
                if (!subject.what().isEmpty()) {
                    return new InvalidConfigException(subject.what(), subject.id(), description);
                }
                break;
            default:
                break;
        }
        String message = status.getCode() + (description.isEmpty() ? "" : ": " + description);
        return switch (status.getCode()) {
            // the transport gave up, or the channel was shut down under the call: nothing was refused
            case UNAVAILABLE, CANCELLED -> AgentException.unreachable(rpc, message, e);
            default -> new AgentException(rpc, message, e);
        };
    }
}
