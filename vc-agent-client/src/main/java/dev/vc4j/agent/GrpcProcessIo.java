package dev.vc4j.agent;

import dev.vc4j.SandboxIds;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.PollPace;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessIo;
import dev.vc4j.spi.StreamChunk;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;

/** A container process's stdio over ReadStdout/ReadStderr/WriteStdin/CloseStdin; one RPC per read or write. */
final class GrpcProcessIo implements ProcessIo {
    /** Matches the agent's buffer per stream: one read can empty it. */
    static final int READ_SIZE = 256 * 1024;

    private final ContainerRpcs rpcs;
    private final String containerId;
    private final String execId;
    private final Duration timeout;
    private final InputStream stdout;
    private final InputStream stderr;
    private final OutputStream stdin;

    GrpcProcessIo(ContainerRpcs rpcs, String containerId, String execId, Duration timeout) {
        this.rpcs = rpcs;
        this.containerId = SandboxIds.check("containerId", containerId);
        this.execId = execId;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.stdout = new Output(false);
        this.stderr = new Output(true);
        this.stdin = new Input();
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public ProcessExit waitFor(Duration waitTimeout) {
        return rpcs.waitProcess(containerId, execId, waitTimeout);
    }

    @Override
    public void signal(int signal) {
        rpcs.signalProcess(containerId, execId, signal, false);
    }

    @Override
    public void resizeTty(int rows, int columns) {
        rpcs.resizeTty(containerId, execId, rows, columns);
    }

    @Override
    public void close() {
        // The streams hold nothing between calls: the guest keeps the process and its buffered output.
    }

    private static IOException io(VcException e) {
        if (e instanceof VcTimeoutException) {
            InterruptedIOException timeout = new InterruptedIOException(e.getMessage());
            timeout.initCause(e);
            return timeout;
        }
        return new IOException(e.getMessage(), e);
    }

    /** stdout or stderr: a chunk is kept until read; EOF is sticky. */
    private final class Output extends InputStream {
        private final boolean isStderr;
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean eof;
        private final PollPace pace = new PollPace();

        Output(boolean isStderr) {
            this.isStderr = isStderr;
        }

        /** False at EOF; otherwise there is at least one byte in chunk. */
        private boolean fill() throws IOException {
            while (pos == chunk.length && !eof) {
                StreamChunk c;
                long started = System.nanoTime();
                try {
                    c = rpcs.read(isStderr, containerId, execId, READ_SIZE, timeout);
                } catch (VcException e) {
                    throw io(e);
                }
                chunk = c.data();
                pos = 0;
                eof = c.eof();
                // an empty chunk long before the timeout is a guest that does not wait: do not spin on it
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                try {
                    pace.pace(PollPace.early(chunk.length > 0 || eof, false, took, timeout));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading from " + containerId + "/" + execId);
                }
            }
            return pos < chunk.length;
        }

        @Override
        public synchronized int read() throws IOException {
            return fill() ? chunk[pos++] & 0xff : -1;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return chunk.length - pos;
        }
    }

    /** stdin: each write is one or more WriteStdin calls; close is CloseStdin. */
    private final class Input extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stdin of " + containerId + "/" + execId + " is closed");
            }
            try {
                rpcs.writeStdin(containerId, execId, b, off, len, timeout);
            } catch (VcException e) {
                throw io(e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                rpcs.closeStdin(containerId, execId);
            } catch (VcException e) {
                throw io(e);
            }
        }
    }
}
