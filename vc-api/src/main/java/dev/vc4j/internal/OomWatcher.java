package dev.vc4j.internal;

import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.GuestText;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.PollPace;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Tells of OOM kills in a sandbox's containers as the agent sees them in their cgroups, whether or not the
 * container survives (a child killed, its init still running), as containerd's TaskOOM does. One daemon thread
 * per agent session long-polls the agent's OOM events in bounded slices and hands each container id on; it ends
 * when the session fails (closed, or its VM gone) or at {@link #stop()}. A guest that answers at once, empty or
 * with a flood of events, is paced ({@link PollPace}); the container ids it names are bounded and escaped.
 */
final class OomWatcher {
    /** One poll; an idle sandbox costs one call per slice. */
    private static final Duration POLL_SLICE = Duration.ofSeconds(30);
    /** A closed session fails its pending poll within milliseconds; this only bounds a stuck one. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Thread thread;
    private volatile boolean stopped;

    private OomWatcher(String sandboxId, AgentSession agent, Consumer<String> oomKilled) {
        thread = LogContext.daemonThread("vc4j-oom-" + sandboxId, () -> {
            try (var log = LogContext.sandbox(sandboxId)) { // started by a call that may name a container
                poll(agent, oomKilled);
            }
        });
    }

    /** Starts watching {@code agent}: {@code oomKilled} gets the id of each container with an OOM kill. */
    static OomWatcher start(String sandboxId, AgentSession agent, Consumer<String> oomKilled) {
        OomWatcher watcher = new OomWatcher(sandboxId, agent, oomKilled);
        watcher.thread.start();
        return watcher;
    }

    private void poll(AgentSession agent, Consumer<String> oomKilled) {
        PollPace pace = new PollPace();
        while (!stopped) {
            String containerId;
            long started = System.nanoTime();
            try {
                containerId = agent.awaitOomEvent(POLL_SLICE).orElse(null);
            } catch (RuntimeException e) {
                if (!stopped) {
                    Logs.CONTAINER.debug("the OOM watch ended: {}", Logs.failure(e));
                }
                return; // the session closed or its VM is gone: a new session gets a new watcher
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (containerId != null && !stopped) {
                publish(oomKilled, GuestText.bounded(containerId, GuestText.NAME_MAX));
            }
            try {
                pace.pace(PollPace.early(containerId != null, true, took, POLL_SLICE));
            } catch (InterruptedException e) {
                return; // stop()
            }
        }
    }

    private static void publish(Consumer<String> oomKilled, String containerId) {
        try {
            oomKilled.accept(containerId);
        } catch (RuntimeException e) {
            Logs.CONTAINER.warn("publishing the OOM kill in container {} failed: {}", containerId, Logs.failure(e));
        }
    }

    /**
     * Stops the thread and waits for it to end. Called after the session is closed, which fails the pending
     * poll; the interrupt cancels it should the session still be open.
     */
    void stop() {
        stopped = true;
        if (Thread.currentThread() == thread) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
