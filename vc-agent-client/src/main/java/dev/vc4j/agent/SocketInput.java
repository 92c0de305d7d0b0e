package dev.vc4j.agent;

import java.io.EOFException;
import java.io.IOException;

/**
 * The reading side of an {@link AgentSocket}, buffered: the handshake scans it for its READY line, and what
 * follows in the same read stays here for the HTTP/2 frames. One reader thread only.
 */
final class SocketInput {
    private final AgentSocket socket;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    SocketInput(AgentSocket socket) {
        this.socket = socket;
    }

    /** The buffer; bytes {@link #start()} to {@link #end()} are read and not yet consumed. */
    byte[] buffer() {
        return buffer;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** Marks bytes up to {@code position} as consumed. */
    void consumeTo(int position) {
        if (position < start || position > end) {
            throw new IndexOutOfBoundsException(position);
        }
        start = position;
    }

    /** Reads more behind what is buffered; false at the end of the stream. */
    boolean fill() throws IOException {
        if (end == buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (end == buffer.length) {
                throw new IOException("no room to read: " + end + " bytes buffered and unconsumed");
            }
        }
        int n = socket.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    /** Exactly {@code length} bytes into {@code out}, or an EOFException naming what was being read. */
    void readFully(byte[] out, int offset, int length, String what) throws IOException {
        int done = 0;
        while (done < length) {
            if (start == end && !fill()) {
                throw new EOFException("the agent closed the connection in the middle of " + what);
            }
            int n = Math.min(length - done, end - start);
            System.arraycopy(buffer, start, out, offset + done, n);
            start += n;
            done += n;
        }
    }
}
