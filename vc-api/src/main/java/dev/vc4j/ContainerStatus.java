package dev.vc4j;

import java.time.Instant;

/**
 * A snapshot of a container. {@code pidInGuest} (its init process in the guest) is 0 while it does not run
 * (before the first start, once stopped); {@code exitCode}, {@code startedAt} and {@code finishedAt} are
 * null until known.
 */
public record ContainerStatus(
        String id,
        ContainerState state,
        long pidInGuest,
        Integer exitCode,
        Instant startedAt,
        Instant finishedAt,
        boolean oomKilled,
        int restartCount) {}
