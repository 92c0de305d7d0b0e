package dev.vc4j.spi;

import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;

import java.time.Instant;

/**
 * A container's persisted state: what its status shows, plus {@code stoppedByUser} (the last exit was asked
 * for, so no restart policy applies) and {@code blockIndex} (the sandbox block index of its rootfs device,
 * null for a directory rootfs).
 */
public record ContainerRecord(ContainerStatus status, boolean stoppedByUser, Integer blockIndex) {

    /** A container just created in the guest, not started yet. */
    public static ContainerRecord created(String id, Integer blockIndex) {
        return new ContainerRecord(new ContainerStatus(id, ContainerState.READY, 0, null, null, null, false, 0), false,
                blockIndex);
    }

    public String id() {
        return status.id();
    }

    /** The process ended without anyone asking (its VM died): its exit code is unknown. */
    public ContainerRecord endedUnexpectedly(Instant at) {
        ContainerStatus s = status;
        return new ContainerRecord(new ContainerStatus(s.id(), s.state().moveTo(ContainerState.STOPPED, s.id()),
                s.pidInGuest(), null, s.startedAt(), at, false, s.restartCount()), false, blockIndex);
    }
}
