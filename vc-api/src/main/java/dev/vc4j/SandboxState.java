package dev.vc4j;

import java.util.EnumSet;
import java.util.Set;

/**
 * The sandbox state machine. The whole transition table is here, so the rules can be read in one place:
 * ready -> running, stopped; running -> paused, stopped; paused -> running, stopped; stopped -> running.
 */
public enum SandboxState {
    /** The VM is up and the agent answers; no container has been started yet. */
    READY,
    RUNNING,
    PAUSED,
    /** The VM is gone (stopped on request, or found dead); the sandbox can be started again or deleted. */
    STOPPED;

    private Set<SandboxState> next;

    static {
        READY.next = EnumSet.of(RUNNING, STOPPED);
        RUNNING.next = EnumSet.of(PAUSED, STOPPED);
        PAUSED.next = EnumSet.of(RUNNING, STOPPED);
        STOPPED.next = EnumSet.of(RUNNING);
    }

    public boolean canMoveTo(SandboxState target) {
        return next.contains(target);
    }

    /** Returns {@code target} when the move is allowed, else throws naming both states. */
    public SandboxState moveTo(SandboxState target, String sandboxId) {
        if (!canMoveTo(target)) {
            throw InvalidStateException.transition("sandbox", sandboxId, this, target);
        }
        return target;
    }
}
