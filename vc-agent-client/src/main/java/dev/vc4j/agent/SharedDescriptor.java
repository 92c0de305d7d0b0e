package dev.vc4j.agent;

import java.util.function.IntConsumer;

/**
 * A file descriptor that threads use in blocking calls while another may close it. Closing the number under a
 * thread still in a call would let the next open(2) anywhere in the JVM reuse it, and that thread would then read
 * or write whatever it has become. So {@link #close()} only wakes the calls in progress, and the descriptor is
 * released by whoever leaves it last.
 */
final class SharedDescriptor {
    private final int fd;
    private final IntConsumer wake;
    private final IntConsumer release;
    // guarded by this
    private int users;
    private boolean closed;

    /**
     * {@code wake} ends the calls blocked on the descriptor (it is still open when called); {@code release} closes
     * it, once, after the last call has left.
     */
    SharedDescriptor(int fd, IntConsumer wake, IntConsumer release) {
        this.fd = fd;
        this.wake = wake;
        this.release = release;
    }

    /** The descriptor for one call, to be given back with {@link #leave()}; -1 (and nothing to give back) once closed. */
    synchronized int enter() {
        if (closed) {
            return -1;
        }
        users++;
        return fd;
    }

    void leave() {
        boolean last;
        synchronized (this) {
            last = --users == 0 && closed;
        }
        if (last) {
            release.accept(fd);
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** From any thread, any number of times: wakes the calls in progress; the last one out releases the descriptor. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            users++; // the descriptor stays open while it is woken
        }
        try {
            wake.accept(fd);
        } finally {
            leave();
        }
    }
}
