package dev.vc4j.spi;

import dev.vc4j.SandboxState;

import java.time.Instant;
import java.util.Map;

/** A sandbox's persisted state. {@code vm} is null when no VM runs for it. */
public record SandboxRecord(
        String id, SandboxState state, Instant createdAt, VmRecord vm, Map<String, String> annotations) {

    public SandboxRecord {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }

    public SandboxRecord withState(SandboxState newState, VmRecord newVm) {
        return new SandboxRecord(id, newState, createdAt, newVm, annotations);
    }

    public SandboxRecord withAnnotations(Map<String, String> newAnnotations) {
        return new SandboxRecord(id, state, createdAt, vm, newAnnotations);
    }
}
