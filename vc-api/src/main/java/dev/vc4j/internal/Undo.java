package dev.vc4j.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo steps of a multi-step operation. Each step registers how to take itself back; on failure
 * {@link #runAll(Throwable)} runs them in reverse, keeping the first error and attaching the others to it.
 */
public final class Undo {
    private record Step(String what, Runnable action) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    public void push(String what, Runnable action) {
        steps.push(new Step(what, action));
    }

    public void runAll(Throwable failure) {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.action().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(new IllegalStateException("undo failed: " + step.what(), e));
            }
        }
    }
}
