package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.GuestText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One gRPC connection accepted on the local address, tied to one fresh connection to the agent (a unix socket
 * or vsock, see {@link AgentEndpoint}).
 * A reader thread connects, does the handshake and then copies agent bytes to the local channel; a writer
 * thread copies local bytes to the agent. Neither ever blocks the event loop, so a slow agent cannot stall
 * the gRPC side that would let it make progress.
 */
final class RelayConnection {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    private static final long CONNECT_RETRY_MILLIS = 20;
    /**
     * How long one connection waits for the READY line before it gives up, so that the gRPC channel reconnects
     * with a fresh hello: one in about a thousand reconnects on virtio-serial saw no answer to its hello at all.
     */
    private static final Duration HANDSHAKE_ATTEMPT = Duration.ofSeconds(5);
    private static final int READ_CHUNK = 64 * 1024;
    private static final Duration THREAD_END_WAIT = Duration.ofSeconds(1);

    private final Channel local;
    private final AgentEndpoint socket;
    private final Duration attemptTimeout;
    private final Consumer<Throwable> onObstacle;
    private final Consumer<RelayConnection> onEnd;
    private final Thread reader;
    private final Thread writer;
    private final BlockingQueue<ByteBuf> toAgent = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile AgentStream agent;

    /**
     * {@code onObstacle} hears what keeps this connection from the agent as it changes (a connect error, an
     * unanswered or failed handshake; null once the handshake succeeded); {@code onEnd} runs last on the reader
     * thread, once both threads are done.
     */
    RelayConnection(Channel local, AgentEndpoint socket, Duration attemptTimeout, Consumer<Throwable> onObstacle,
                    Consumer<RelayConnection> onEnd) {
        this.local = local;
        this.socket = socket;
        this.attemptTimeout = attemptTimeout;
        this.onObstacle = onObstacle;
        this.onEnd = onEnd;
        this.reader = new Thread(this::run, "vc4j-agent-relay-in " + socket);
        this.reader.setDaemon(true);
        this.writer = new Thread(this::copyLocalToAgent, "vc4j-agent-relay-out " + socket);
        this.writer.setDaemon(true);
        local.pipeline().addLast(new ToAgent());
    }

    void start() {
        reader.start();
    }

    /** Closes both sides; safe from any thread, any number of times. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(agent);
        reader.interrupt();
        writer.interrupt();
        local.close();
    }

    /**
     * Waits a little for both threads to end, so a closed session leaves none. Both are joined: the reader's own
     * wait for the writer can be cut short by a close() from another thread.
     */
    void awaitThreads(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        reader.join(Math.max(1, timeout.toMillis()));
        writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }

    private void run() {
        try {
            relay();
        } finally {
            close();
            awaitWriter();
            onEnd.accept(this);
        }
    }

    /**
     * Waits for the writer before this connection reports its end, so that a closed relay leaves no thread.
     * An interrupt here is close() (from any thread, possibly after ours) telling this thread to stop: it must
     * not cut the wait short.
     */
    private void awaitWriter() {
        long deadline = System.nanoTime() + THREAD_END_WAIT.toNanos();
        boolean interrupted = false;
        while (writer.isAlive() && deadline - System.nanoTime() > 0) {
            try {
                writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void relay() {
        AgentStream channel;
        AgentHandshake.Ready ready;
        try {
            long deadline = System.nanoTime() + attemptTimeout.toNanos();
            channel = connect(deadline);
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            ready = AgentHandshake.perform(channel, AgentHandshake.newNonce(),
                    left.compareTo(HANDSHAKE_ATTEMPT) < 0 ? left : HANDSHAKE_ATTEMPT, socket);
        } catch (IOException | RuntimeException | InterruptedException e) {
            LOG.debug("no connection to the agent at {}", socket, e);
            report(e);
            return;
        }
        report(null);
        LOG.debug("agent {} at {} answered the handshake", GuestText.bounded(ready.agentVersion(), GuestText.NAME_MAX),
                socket);
        try {
            if (ready.leftover().length > 0) {
                forward(Unpooled.wrappedBuffer(ready.leftover()));
            }
            writer.start();
            // The gRPC client's preface has been waiting in the local channel since it connected.
            local.config().setAutoRead(true);
            copyAgentToLocal(channel);
        } catch (IOException | InterruptedException e) {
            if (!closed.get()) {
                LOG.debug("relay from the agent at {} ended", socket, e);
            }
        }
    }

    private AgentStream connect(long deadline) throws IOException, InterruptedException {
        while (true) {
            if (closed.get()) {
                throw new ClosedChannelException();
            }
            try {
                AgentStream channel = socket.connect(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                agent = channel;
                // Checked after publishing, so that close() either closes this stream or this sees close().
                if (closed.get()) {
                    closeQuietly(channel);
                    throw new ClosedChannelException();
                }
                report(new AgentException("handshake",
                        "the agent at " + socket + " has not answered the hello yet", null));
                return channel;
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException | VcException e) {
                report(e);
                // The agent is reachable once the VM (or the agent) listens: retry until the deadline.
                if (System.nanoTime() - deadline >= 0) {
                    throw new VcTimeoutException("connect to the agent at " + socket, attemptTimeout, e);
                }
            }
            Thread.sleep(CONNECT_RETRY_MILLIS);
        }
    }

    private void report(Throwable obstacle) {
        if (!closed.get()) {
            onObstacle.accept(obstacle);
        }
    }

    private void copyAgentToLocal(AgentStream channel) throws IOException, InterruptedException {
        while (true) {
            ByteBuf chunk = local.alloc().buffer(READ_CHUNK, READ_CHUNK);
            int n;
            try {
                n = channel.read(chunk.nioBuffer(0, READ_CHUNK));
            } catch (IOException e) {
                chunk.release();
                throw e;
            }
            if (n < 0) {
                chunk.release();
                return;
            }
            forward(chunk.writerIndex(n));
        }
    }

    /** Waits for each write, so the gRPC side's HTTP/2 flow control is what bounds the bytes in flight. */
    private void forward(ByteBuf bytes) throws IOException, InterruptedException {
        if (!local.writeAndFlush(bytes).await().isSuccess()) {
            throw new ClosedChannelException();
        }
    }

    private void copyLocalToAgent() {
        try {
            // Checked on every turn: a close() that came before this thread ran had no thread to interrupt yet.
            while (!closed.get()) {
                ByteBuf bytes = toAgent.take();
                try {
                    ByteBuffer out = bytes.nioBuffer();
                    while (out.hasRemaining()) {
                        agent.write(out);
                    }
                } finally {
                    bytes.release();
                }
                if (pendingWrites.decrementAndGet() == 0) {
                    local.config().setAutoRead(true);
                }
            }
        } catch (IOException | InterruptedException | RejectedExecutionException e) {
            // RejectedExecutionException: the event loop shut down under us, which also ends the relay
            if (!closed.get()) {
                LOG.debug("relay to the agent at {} ended", socket, e);
            }
        } finally {
            close();
            releaseQueued();
        }
    }

    private void releaseQueued() {
        for (ByteBuf bytes = toAgent.poll(); bytes != null; bytes = toAgent.poll()) {
            bytes.release();
        }
    }

    private static void closeQuietly(AgentStream channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that is left to do with it
            }
        }
    }

    /** Queues local bytes for the writer thread; reading pauses until the writer has caught up. */
    private final class ToAgent extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Pause before handing over, so that the writer's resume can only come after this pause.
            ctx.channel().config().setAutoRead(false);
            pendingWrites.incrementAndGet();
            toAgent.add((ByteBuf) msg);
            if (closed.get()) {
                releaseQueued();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("local side of the relay to {} failed", socket, cause);
            close();
        }
    }
}
