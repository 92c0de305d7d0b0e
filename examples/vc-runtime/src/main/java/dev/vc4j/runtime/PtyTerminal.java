package dev.vc4j.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The slave side of a pty pair whose master went to the engine: the container's stdin, stdout and stderr. Read and
 * written through the descriptor, because opening the path again from Java would make the tty this process's
 * controlling terminal.
 */
public final class PtyTerminal implements AutoCloseable {
    /**
     * How often a resize by the engine is looked for. The kernel signals SIGWINCH only to the foreground group of
     * the session the tty controls, and this tty controls none (it was opened with O_NOCTTY).
     */
    static final long RESIZE_POLL_MILLIS = 200;

    private final int fd;
    private final String path;
    private boolean closed;
    private Thread resizeWatch;

    PtyTerminal(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    public int fd() {
        return fd;
    }

    /** Its device, e.g. /dev/pts/3. */
    public String path() {
        return path;
    }

    public PtyConsoleSocket.WindowSize windowSize() throws IOException {
        return PtyConsoleSocket.windowSize(fd);
    }

    /** Sets the size, as runc applies the process's consoleSize before the container starts. */
    public void setWindowSize(PtyConsoleSocket.WindowSize size) throws IOException {
        PtyConsoleSocket.setWindowSize(fd, size);
    }

    /** Calls {@code listener} from a daemon thread with each new size the engine sets, until this is closed. */
    public synchronized void onResize(Consumer<PtyConsoleSocket.WindowSize> listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (resizeWatch != null) {
            throw new IllegalStateException(path + " already has a resize listener");
        }
        PtyConsoleSocket.WindowSize initial = windowSize();
        resizeWatch = new Thread(() -> watchResizes(initial, listener), "resize " + path);
        resizeWatch.setDaemon(true);
        resizeWatch.start();
    }

    private void watchResizes(PtyConsoleSocket.WindowSize initial, Consumer<PtyConsoleSocket.WindowSize> listener) {
        PtyConsoleSocket.WindowSize last = initial;
        try {
            while (!isClosed()) {
                Thread.sleep(RESIZE_POLL_MILLIS);
                PtyConsoleSocket.WindowSize now;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    now = windowSize();
                }
                if (!now.equals(last)) {
                    last = now;
                    listener.accept(now);
                }
            }
        } catch (InterruptedException | IOException e) {
            // closed under us, or the descriptor is no terminal any more: there is nothing left to watch
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** What the user typed on the engine's side; end of stream once the master is closed. */
    public InputStream input() {
        return CallStreams.input(this::read);
    }

    /** What the container prints, for the engine's side. */
    public OutputStream output() {
        return CallStreams.output(this::write);
    }

    private int read(byte[] buffer, int offset, int length) throws IOException {
        byte[] chunk = new byte[length];
        while (true) {
            try {
                int got = PtyCalls.read(fd, chunk, new NativeLong(length)).intValue();
                if (got == 0) {
                    return -1;
                }
                System.arraycopy(chunk, 0, buffer, offset, got);
                return got;
            } catch (LastErrorException e) {
                // EIO is how a pty says its other side hung up
                if (e.getErrorCode() == PtyCalls.EIO) {
                    return -1;
                }
                if (e.getErrorCode() != PtyCalls.EINTR) {
                    throw new IOException("read from " + path + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private void write(byte[] buffer, int offset, int length) throws IOException {
        byte[] rest = Arrays.copyOfRange(buffer, offset, offset + length);
        while (rest.length > 0) {
            try {
                int put = PtyCalls.write(fd, rest, new NativeLong(rest.length)).intValue();
                rest = Arrays.copyOfRange(rest, put, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != PtyCalls.EINTR) {
                    throw new IOException("write to " + path + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            PtyCalls.closeQuietly(fd);
            if (resizeWatch != null) {
                resizeWatch.interrupt();
            }
        }
    }
}
