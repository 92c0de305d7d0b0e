package dev.vc4j.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over a blocking socket channel that one thread can read while another writes. Not
 * {@code Channels.newInputStream}: on Java 17 its reads and writes share the channel's blocking lock, so a write
 * waits for a blocked read to end.
 */
final class ChannelStreams {
    private ChannelStreams() {}

    static InputStream in(SocketChannel channel) {
        return CallStreams.input((buffer, offset, length) -> {
            int n = channel.read(ByteBuffer.wrap(buffer, offset, length));
            return n < 0 ? -1 : n;
        });
    }

    static OutputStream out(SocketChannel channel) {
        return CallStreams.output((buffer, offset, length) -> {
            ByteBuffer rest = ByteBuffer.wrap(buffer, offset, length);
            while (rest.hasRemaining()) {
                channel.write(rest);
            }
        });
    }
}
