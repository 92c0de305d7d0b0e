package dev.vc4j.internal;

import dev.vc4j.spi.LogContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a container's restart policy starts it again: after a delay that starts at 100 ms and doubles with
 * each run that ended soon after it began, up to a minute, and starts over once a run lasted 10 s, as Docker's
 * and Podman's restart managers do. A container that exits at once so costs a restart a minute at most, not
 * a restart loop that holds the sandbox's lock.
 *
 * <p>The restart runs on its own thread once the delay has passed, so the caller (who holds the sandbox's
 * lock while it records the exit) is not held up, and the lock is free in between. The delays are this
 * object's memory: a process that picks the sandbox up starts at 100 ms.
 */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofMinutes(1);
    static final Duration RESET_AFTER = Duration.ofSeconds(10);

    /** The delay before the next restart of each container that was restarted after a short run. */
    private final Map<String, Duration> next = new ConcurrentHashMap<>();

    /** The delay before restarting {@code containerId}, whose run went from {@code startedAt} to {@code endedAt}. */
    Duration delay(String containerId, Instant startedAt, Instant endedAt) {
        boolean ranLong =
                startedAt == null || Duration.between(startedAt, endedAt).compareTo(RESET_AFTER) >= 0;
        Duration delay = ranLong ? FIRST : next.getOrDefault(containerId, FIRST);
        Duration doubled = delay.multipliedBy(2);
        next.put(containerId, doubled.compareTo(MAX) > 0 ? MAX : doubled);
        return delay;
    }

    /** Runs {@code restart} on a daemon thread that logs as the caller does, once {@code delay} has passed. */
    void schedule(String containerId, Duration delay, Runnable restart) {
        LogContext.daemonThread("vc4j-restart-" + containerId, () -> {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        return; // nobody interrupts these threads but a JVM on its way out
                    }
                    restart.run();
                })
                .start();
    }
}
