package dev.vc4j.internal;

import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.ProcessExit;

import java.time.Instant;

/**
 * What a container's stored state goes through, each move checked against the state machine
 * ({@link ContainerState#moveTo}): created, started, paused and resumed, asked to stop, exited or killed with
 * its VM.
 */
public final class ContainerRecords {
    /** 128 + SIGKILL: what a shell reports for a process killed like the VM's processes are. */
    static final int KILLED_WITH_VM = 137;

    private ContainerRecords() {}

    /** A container just created in the guest, not started yet. */
    static ContainerRecord created(String id) {
        return new ContainerRecord(new ContainerStatus(id, ContainerState.READY, 0, null, null, null, false, 0), false);
    }

    /** A container whose state did not survive a reboot: whatever ran went with the VM. */
    static ContainerRecord afterReboot(String id) {
        return new ContainerRecord(
                new ContainerStatus(id, ContainerState.STOPPED, 0, null, null, null, false, 0), false);
    }

    /**
     * Started at {@code at} as process {@code pidInGuest} of the guest (a restart by policy counts
     * {@code restartCount}); a new run is not stopped by anyone.
     */
    static ContainerRecord started(ContainerRecord record, Instant at, int restartCount, long pidInGuest) {
        ContainerStatus s = record.status();
        return new ContainerRecord(
                new ContainerStatus(
                        s.id(),
                        s.state().moveTo(ContainerState.RUNNING, s.id()),
                        pidInGuest,
                        null,
                        at,
                        null,
                        false,
                        restartCount),
                false);
    }

    public static ContainerRecord withState(ContainerRecord record, ContainerState state) {
        ContainerStatus s = record.status();
        return new ContainerRecord(
                new ContainerStatus(
                        s.id(),
                        s.state().moveTo(state, s.id()),
                        s.pidInGuest(),
                        s.exitCode(),
                        s.startedAt(),
                        s.finishedAt(),
                        s.oomKilled(),
                        s.restartCount()),
                record.stoppedByUser());
    }

    /** A stop, kill or delete was asked for: when the process ends, no restart policy applies. */
    public static ContainerRecord askedToStop(ContainerRecord record) {
        return new ContainerRecord(record.status(), true);
    }

    /** Its init process ended at {@code at} as {@code exit} tells; it has no pid any more. */
    static ContainerRecord exited(ContainerRecord record, ProcessExit exit, Instant at) {
        ContainerStatus s = record.status();
        return new ContainerRecord(
                new ContainerStatus(
                        s.id(),
                        s.state().moveTo(ContainerState.STOPPED, s.id()),
                        0,
                        exit.exitCode(),
                        s.startedAt(),
                        at,
                        exit.oomKilled(),
                        s.restartCount()),
                record.stoppedByUser());
    }

    /** Its processes were killed with its VM (stopped or dead): exit code 137, as for a SIGKILL. */
    static ContainerRecord killedWithVm(ContainerRecord record, Instant at) {
        ContainerStatus s = record.status();
        return new ContainerRecord(
                new ContainerStatus(
                        s.id(),
                        s.state().moveTo(ContainerState.STOPPED, s.id()),
                        0,
                        KILLED_WITH_VM,
                        s.startedAt(),
                        at,
                        false,
                        s.restartCount()),
                false);
    }
}
