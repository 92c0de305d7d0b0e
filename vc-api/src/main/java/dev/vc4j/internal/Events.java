package dev.vc4j.internal;

import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxEventListener;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.LogContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Delivers the events of one {@link VirtContainers} to its listeners. Operations publish while they hold
 * their sandbox's exclusive lock, and a single thread delivers, so the events of a sandbox arrive in the
 * order its changes were made. Events of changes made by other processes are not seen here.
 */
public final class Events {
    /** {@code sandboxId} null: every sandbox. */
    private record Subscription(String sandboxId, SandboxEventListener listener) {}

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ExecutorService deliverer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "vc4j-events");
        thread.setDaemon(true);
        return thread;
    });

    public SandboxEventListener.Registration subscribe(String sandboxId, SandboxEventListener listener) {
        Subscription subscription = new Subscription(sandboxId, listener);
        subscriptions.add(subscription);
        return () -> subscriptions.remove(subscription);
    }

    /** An event of sandbox {@code sandboxId} itself. */
    public void publish(String sandboxId, SandboxEvent.Type type) {
        publish(sandboxId, type, null, null);
    }

    /** An event of container {@code containerId} ({@code exitCode}: its exit's, for {@code EXIT}). */
    public void publish(String sandboxId, SandboxEvent.Type type, String containerId, Integer exitCode) {
        publish(new SandboxEvent(sandboxId, type, containerId, exitCode, Instant.now()));
    }

    /**
     * The listeners are chosen now, not at delivery: a listener hears exactly the events published while it
     * was subscribed, however late the delivery thread gets to them.
     */
    private void publish(SandboxEvent event) {
        List<SandboxEventListener> targets = new ArrayList<>();
        for (Subscription s : subscriptions) {
            if (s.sandboxId() == null || s.sandboxId().equals(event.sandboxId())) {
                targets.add(s.listener());
            }
        }
        if (!targets.isEmpty()) {
            deliverer.execute(LogContext.carried(() -> targets.forEach(listener -> deliver(listener, event))));
        }
    }

    /** A failing listener must not stop the others from hearing about the event. Its exception is the embedder's. */
    private static void deliver(SandboxEventListener listener, SandboxEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            Logs.EVENTS.warn("an event listener failed on {}", event, e);
        }
    }
}
