package dev.vc4j.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The stdio of one container process as Java streams, plus its signals and exit. Reads block until data comes
 * or the stream ends; writes return once the agent has the bytes in the process's pipe. Closing stdin closes
 * the process's stdin after what was written before. Closing this releases nothing in the guest.
 */
public interface ProcessIo extends AutoCloseable {

    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** Waits for the exit at most {@code timeout}; a timeout throws {@link dev.vc4j.VcTimeoutException}. */
    ProcessExit waitFor(Duration timeout);

    void signal(int signal);

    void resizeTty(int rows, int columns);

    @Override
    void close();
}
