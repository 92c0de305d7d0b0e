package dev.vc4j.spi;

import org.slf4j.MDC;

import java.util.Map;

/**
 * Which sandbox and container a line of vc4j's log is about: slf4j's MDC holds their ids under {@link #SANDBOX}
 * and {@link #CONTAINER} on every thread that works on them. The engine sets them for the span of each
 * operation ({@link #sandbox}, {@link #container}); a thread or task that vc4j or a driver starts runs with the
 * context of the code that started it ({@link #carried}, {@link #daemonThread}), so that a watcher's or a
 * waiter's lines name the sandbox and container it watches, as an embedder filtering on them expects.
 */
public final class LogContext {
    /** The MDC key of the sandbox id. */
    public static final String SANDBOX = "vc4j.sandbox";
    /** The MDC key of the container id. */
    public static final String CONTAINER = "vc4j.container";

    private LogContext() {}

    /** Work on sandbox {@code sandboxId} itself, until the scope closes: no container is named meanwhile. */
    public static Scope sandbox(String sandboxId) {
        return new Scope(sandboxId, null);
    }

    /** Work on container {@code containerId} of sandbox {@code sandboxId}, until the scope closes. */
    public static Scope container(String sandboxId, String containerId) {
        return new Scope(sandboxId, containerId);
    }

    /**
     * {@code task} to run on another thread with the MDC this thread has now (the embedder's keys too); the
     * thread's own MDC is put back once the task is done, so a pooled thread keeps nothing of it.
     */
    public static Runnable carried(Runnable task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            replace(context);
            try {
                task.run();
            } finally {
                replace(before);
            }
        };
    }

    /** A daemon thread, not started, that runs {@code task} with this thread's MDC (see {@link #carried}). */
    public static Thread daemonThread(String name, Runnable task) {
        Thread thread = new Thread(carried(task), name);
        thread.setDaemon(true);
        return thread;
    }

    private static void replace(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /**
     * The span of one operation on this thread. Closing it puts back the ids the MDC held before, so that scopes
     * nest (a sandbox's create creates its containers); it also times the operation for its log line.
     */
    public static final class Scope implements AutoCloseable {
        private final long startedNanos = System.nanoTime();
        private final String outerSandbox = MDC.get(SANDBOX);
        private final String outerContainer = MDC.get(CONTAINER);

        private Scope(String sandboxId, String containerId) {
            put(SANDBOX, sandboxId);
            put(CONTAINER, containerId);
        }

        /** Milliseconds since the scope opened. */
        public long elapsedMillis() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }

        @Override
        public void close() {
            put(SANDBOX, outerSandbox);
            put(CONTAINER, outerContainer);
        }
    }
}
