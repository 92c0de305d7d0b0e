package dev.vc4j;

import java.time.Instant;

/**
 * A snapshot of a container. {@code pidInGuest} is 0 before the first start; {@code exitCode},
 * {@code startedAt} and {@code finishedAt} are null until known.
 */
public record ContainerStatus(
        String id,
        ContainerState state,
        long pidInGuest,
        Integer exitCode,
        Instant startedAt,
        Instant finishedAt,
        boolean oomKilled,
        int restartCount) {
}
