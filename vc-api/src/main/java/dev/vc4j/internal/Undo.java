package dev.vc4j.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo steps of a multi-step operation. Each step registers how to take itself back; on failure
 * {@link #runAll(Throwable)} runs them in reverse, keeping the first error and attaching the others to it.
 */
public final class Undo {
    private record Step(String what, Runnable action) {}

    private final Deque<Step> steps = new ArrayDeque<>();

    public void push(String what, Runnable action) {
        steps.push(new Step(what, action));
    }

    public void runAll(Throwable failure) {
        if (!steps.isEmpty()) {
            Logs.SANDBOX.warn(
                    "undoing what was done after a failure ({}): {} step(s)", Logs.kind(failure), steps.size());
        }
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.action().run();
            } catch (RuntimeException e) {
                Logs.SANDBOX.warn("undo failed: {}: {}", step.what(), Logs.kind(e));
                failure.addSuppressed(new IllegalStateException("undo failed: " + step.what(), e));
            }
        }
    }
}
