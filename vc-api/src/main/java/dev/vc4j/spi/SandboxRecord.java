package dev.vc4j.spi;

import dev.vc4j.SandboxState;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sandbox's persisted state. {@code vm} is null when no VM runs for it. {@code blockIndices} are the
 * block device indices its containers hold; a freed index is given out again (lowest first).
 */
public record SandboxRecord(String id, SandboxState state, Instant createdAt, VmRecord vm,
        Map<String, String> annotations, Set<Integer> blockIndices) {

    public SandboxRecord {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
        blockIndices = Set.copyOf(blockIndices == null ? Set.of() : blockIndices);
    }

    /** A sandbox whose containers hold no block device. */
    public SandboxRecord(String id, SandboxState state, Instant createdAt, VmRecord vm, Map<String, String> annotations) {
        this(id, state, createdAt, vm, annotations, Set.of());
    }

    public SandboxRecord withState(SandboxState newState, VmRecord newVm) {
        return new SandboxRecord(id, newState, createdAt, newVm, annotations, blockIndices);
    }

    public SandboxRecord withAnnotations(Map<String, String> newAnnotations) {
        return new SandboxRecord(id, state, createdAt, vm, newAnnotations, blockIndices);
    }

    /** The lowest index no container holds: indices freed by deleted containers are reused. */
    public int freeBlockIndex() {
        int index = 0;
        while (blockIndices.contains(index)) {
            index++;
        }
        return index;
    }

    public SandboxRecord withBlockIndex(int index) {
        Set<Integer> taken = new TreeSet<>(blockIndices);
        taken.add(index);
        return new SandboxRecord(id, state, createdAt, vm, annotations, taken);
    }

    public SandboxRecord withoutBlockIndex(int index) {
        Set<Integer> taken = new TreeSet<>(blockIndices);
        taken.remove(index);
        return new SandboxRecord(id, state, createdAt, vm, annotations, taken);
    }
}
