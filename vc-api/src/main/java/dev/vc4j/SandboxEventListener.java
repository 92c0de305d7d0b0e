package dev.vc4j;

/**
 * Receives {@link SandboxEvent}s on vc4j's event thread, one at a time, in the order the changes were
 * persisted. A slow listener delays the events after it, never the operations that produced them.
 */
@FunctionalInterface
public interface SandboxEventListener {
    void onEvent(SandboxEvent event);

    /** Closing it stops the deliveries to its listener. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
