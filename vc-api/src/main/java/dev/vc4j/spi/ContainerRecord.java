package dev.vc4j.spi;

import dev.vc4j.ContainerStatus;

/**
 * A container's persisted state: what its status shows, plus {@code stoppedByUser} (the last exit was asked
 * for, so no restart policy applies).
 */
public record ContainerRecord(ContainerStatus status, boolean stoppedByUser) {

    public String id() {
        return status.id();
    }
}
