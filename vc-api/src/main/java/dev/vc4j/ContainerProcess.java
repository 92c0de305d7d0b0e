package dev.vc4j;

import dev.vc4j.spi.ProcessIo;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;

/**
 * A process in a container: the container's own (id {@code ""}) or one added by {@link Container#exec}. Its
 * stdio are plain Java streams; each read blocks until output comes or the stream ends, bounded by the
 * timeout the process was opened with. Closing it releases nothing in the guest: the process runs on.
 */
public final class ContainerProcess implements AutoCloseable {
    private final String containerId;
    private final String id;
    private final ProcessIo io;

    ContainerProcess(String containerId, String id, ProcessIo io) {
        this.containerId = containerId;
        this.id = id;
        this.io = io;
    }

    /** Its id within its container; {@code ""} for the container's own process. */
    public String id() {
        return id;
    }

    public String containerId() {
        return containerId;
    }

    /** Closing it closes the process's stdin after what was written before. */
    public OutputStream stdin() {
        return io.stdin();
    }

    public InputStream stdout() {
        return io.stdout();
    }

    /** Empty for a process with a tty: its output all comes on {@link #stdout()}. */
    public InputStream stderr() {
        return io.stderr();
    }

    /**
     * Waits for the exit at most {@code timeout} and returns the exit code (128 + the signal for a process a
     * signal ended); a timeout throws {@link VcTimeoutException}.
     */
    public int waitFor(Duration timeout) {
        return io.waitFor(timeout).exitCode();
    }

    public void signal(Signal signal) {
        io.signal(Objects.requireNonNull(signal, "signal").number());
    }

    /** For a process with a tty: the window size its programs see. */
    public void resizeTty(int rows, int columns) {
        io.resizeTty(rows, columns);
    }

    @Override
    public void close() {
        io.close();
    }
}
