package dev.vc4j.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;

/**
 * One connected byte stream to the agent, whatever carries it (a unix socket in front of a virtio-serial port,
 * or a vsock connection). Reads and writes block; {@link #close()} from another thread ends them.
 */
interface AgentStream extends ByteChannel {

    /**
     * Reads what arrives within {@code timeout}: the count read, 0 when nothing came in time, -1 at the end.
     * Returns early, with an {@link java.io.InterruptedIOException}, when the calling thread is interrupted.
     */
    int read(ByteBuffer dst, Duration timeout) throws IOException;
}
