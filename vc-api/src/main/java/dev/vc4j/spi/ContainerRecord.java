package dev.vc4j.spi;

import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;

import java.time.Instant;

/**
 * A container's persisted state: what its status shows, plus {@code stoppedByUser} (the last exit was asked
 * for, so no restart policy applies).
 */
public record ContainerRecord(ContainerStatus status, boolean stoppedByUser) {
    /** 128 + SIGKILL: what a shell reports for a process killed like the VM's processes are. */
    public static final int KILLED_WITH_VM = 137;

    /** A container just created in the guest, not started yet. */
    public static ContainerRecord created(String id) {
        return new ContainerRecord(new ContainerStatus(id, ContainerState.READY, 0, null, null, null, false, 0), false);
    }

    public String id() {
        return status.id();
    }

    /**
     * Started at {@code at} as process {@code pidInGuest} of the guest (a restart by policy counts
     * {@code restartCount}); a new run is not stopped by anyone.
     */
    public ContainerRecord started(Instant at, int restartCount, long pidInGuest) {
        ContainerStatus s = status;
        return new ContainerRecord(new ContainerStatus(s.id(), s.state().moveTo(ContainerState.RUNNING, s.id()),
                pidInGuest, null, at, null, false, restartCount), false);
    }

    public ContainerRecord withState(ContainerState state) {
        ContainerStatus s = status;
        return new ContainerRecord(new ContainerStatus(s.id(), s.state().moveTo(state, s.id()), s.pidInGuest(),
                s.exitCode(), s.startedAt(), s.finishedAt(), s.oomKilled(), s.restartCount()), stoppedByUser);
    }

    /** A stop, kill or delete was asked for: when the process ends, no restart policy applies. */
    public ContainerRecord askedToStop() {
        return new ContainerRecord(status, true);
    }

    /** Its init process ended at {@code at} as {@code exit} tells; it has no pid any more. */
    public ContainerRecord exited(ProcessExit exit, Instant at) {
        ContainerStatus s = status;
        return new ContainerRecord(new ContainerStatus(s.id(), s.state().moveTo(ContainerState.STOPPED, s.id()),
                0, exit.exitCode(), s.startedAt(), at, exit.oomKilled(), s.restartCount()), stoppedByUser);
    }

    /** Its processes were killed with its VM (stopped or dead): exit code 137, as for a SIGKILL. */
    public ContainerRecord killedWithVm(Instant at) {
        ContainerStatus s = status;
        return new ContainerRecord(new ContainerStatus(s.id(), s.state().moveTo(ContainerState.STOPPED, s.id()),
                0, KILLED_WITH_VM, s.startedAt(), at, false, s.restartCount()), false);
    }
}
