package dev.vc4j.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams over a read or write call that takes part of an array, for descriptors the JDK's streams do not fit
 * (a socket channel read and written by two threads at once, a pty slave held as a raw descriptor).
 */
final class CallStreams {
    /** Reads at most {@code length} bytes, at least one, into {@code buffer}; -1 at the end. */
    @FunctionalInterface
    interface ReadCall {
        int read(byte[] buffer, int offset, int length) throws IOException;
    }

    /** Writes all {@code length} bytes of {@code buffer}. */
    @FunctionalInterface
    interface WriteCall {
        void write(byte[] buffer, int offset, int length) throws IOException;
    }

    private CallStreams() {}

    static InputStream input(ReadCall call) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return length == 0 ? 0 : call.read(buffer, offset, length);
            }
        };
    }

    static OutputStream output(WriteCall call) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                call.write(buffer, offset, length);
            }
        };
    }
}
