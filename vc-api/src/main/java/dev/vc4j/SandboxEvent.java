package dev.vc4j;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a sandbox or one of its containers. {@code containerId} is null for events of
 * the sandbox itself; {@code exitCode} is set for {@link Type#EXIT} when it is known.
 */
public record SandboxEvent(String sandboxId, Type type, String containerId, Integer exitCode, Instant time) {

    /**
     * {@link #STOP}: the sandbox or container was stopped on request. {@link #EXIT}: a container's process
     * ended (with its exit code), or, without a container id, the sandbox's VM ended without being asked
     * (killed, crashed, powered off from inside), after the EXIT events of the containers it took down.
     */
    public enum Type {
        CREATE,
        START,
        EXEC_ADDED,
        PAUSE,
        RESUME,
        STOP,
        EXIT,
        OOM,
        DELETE,
        /** A poststart or poststop hook failed; the log has its output. */
        HOOK_FAILED
    }

    public SandboxEvent {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
    }
}
