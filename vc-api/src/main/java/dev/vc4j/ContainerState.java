package dev.vc4j;

import java.util.EnumSet;
import java.util.Set;

/**
 * The container state machine: the sandbox's table (ready -> running, stopped; running -> paused, stopped;
 * paused -> running, stopped; stopped -> running), plus which states each operation needs (Kata's rules).
 * The two enums have the same constants, and a test holds them to that.
 */
public enum ContainerState {
    /** Created in the guest; its process has not been started. */
    READY,
    RUNNING,
    PAUSED,
    /** Its process ended (on its own or stopped); it can be started again or deleted. */
    STOPPED;

    /** What can be done to a container, each with the states that allow it. */
    public enum Operation {
        START(READY, STOPPED),
        STOP(RUNNING, PAUSED),
        /** Without force; a forced delete is allowed in any state. */
        DELETE(READY, STOPPED),
        PAUSE(RUNNING),
        RESUME(PAUSED),
        EXEC(RUNNING),
        WAIT(RUNNING),
        UPDATE(RUNNING),
        /** A paused container can still be signalled: the signal is delivered when it resumes. */
        SIGNAL(READY, RUNNING, PAUSED),
        STATS(RUNNING, PAUSED),
        PROCESSES(RUNNING, PAUSED);

        private final Set<ContainerState> allowed;

        Operation(ContainerState first, ContainerState... rest) {
            this.allowed = EnumSet.of(first, rest);
        }

        public boolean allowedIn(ContainerState state) {
            return allowed.contains(state);
        }

        public Set<ContainerState> allowedStates() {
            return EnumSet.copyOf(allowed);
        }

        /** Throws naming the container, its state, the operation and the states it needs. */
        public void require(String containerId, ContainerState current) {
            if (!allowedIn(current)) {
                throw InvalidStateException.operation(
                        "container", containerId, current, name().toLowerCase(java.util.Locale.ROOT), allowed);
            }
        }
    }

    /** The moves are the sandbox's, state for state (as in Kata, where both share one table). */
    public boolean canMoveTo(ContainerState target) {
        return SandboxState.valueOf(name()).canMoveTo(SandboxState.valueOf(target.name()));
    }

    /** Returns {@code target} when the move is allowed, else throws naming both states. */
    public ContainerState moveTo(ContainerState target, String containerId) {
        if (!canMoveTo(target)) {
            throw InvalidStateException.transition("container", containerId, this, target);
        }
        return target;
    }
}
