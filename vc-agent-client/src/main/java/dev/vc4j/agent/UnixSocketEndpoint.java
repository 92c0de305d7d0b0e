package dev.vc4j.agent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** The unix socket QEMU serves for the VM's virtio-serial port (or a host-mode agent listens on, in tests). */
record UnixSocketEndpoint(Path socket) implements AgentEndpoint {

    @Override
    public AgentStream connect(Duration timeout) throws IOException {
        // Non-blocking, so that it succeeds or fails at once: a blocking connect to a listener whose backlog is
        // full (QEMU takes one client at a time) waits with no deadline, while a failed attempt is retried by
        // the caller until its own. The timeout has nothing left to bound.
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("it accepts no connection now (its backlog is full)");
            }
            channel.configureBlocking(true);
            return new Stream(channel);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void requireUsable() {
        // every host has unix sockets; a missing socket is waited for
    }

    @Override
    public String toString() {
        return socket.toString();
    }

    /** A connected JDK socket channel; closing it ends blocked reads and writes. */
    static final class Stream implements AgentStream {
        private final SocketChannel channel;

        Stream(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        /** Non-blocking under a selector for the deadline (a blocking read has none); blocking again after. */
        @Override
        public int read(ByteBuffer dst, Duration timeout) throws IOException {
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                selector.select(Math.max(1, timeout.toMillis()));
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while reading from the agent");
                }
                return channel.read(dst);
            } finally {
                // Closing the selector deregistered the channel, which is what allows blocking mode again.
                if (channel.isOpen()) {
                    channel.configureBlocking(true);
                }
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
