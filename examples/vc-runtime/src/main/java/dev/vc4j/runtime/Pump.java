package dev.vc4j.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** A thread copying one stream to another until the input ends; closes the output then, when asked to. */
final class Pump {
    private final Thread thread;

    private Pump(Thread thread) {
        this.thread = thread;
    }

    static Pump start(String name, InputStream from, OutputStream to, boolean closeAtEnd) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[ShimProtocol.MAX_FRAME];
                    try {
                        for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                            to.write(buffer, 0, n);
                            to.flush();
                        }
                    } catch (IOException | RuntimeException e) {
                        RuntimeLog.current().write("debug", name + " ended: " + e.getMessage());
                    } finally {
                        if (closeAtEnd) {
                            try {
                                to.close();
                            } catch (IOException | RuntimeException e) {
                                RuntimeLog.current().write("debug", name + ": closing failed: " + e.getMessage());
                            }
                        }
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return new Pump(thread);
    }

    /** Waits at most {@code timeout} for the input to end. */
    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }
}
