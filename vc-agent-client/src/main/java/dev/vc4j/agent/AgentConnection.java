package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.GuestText;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One gRPC connection accepted on the relay's local address, tied to one fresh connection to the agent. On the
 * agent channel's event loop, without a thread of its own: connect (retried until the attempt's deadline while
 * the agent is not there yet), handshake, then splice the two channels together. The local channel reads nothing
 * before the handshake has succeeded, so not a byte of gRPC reaches a connection that is not this one's.
 */
final class AgentConnection {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    private static final long CONNECT_RETRY_MILLIS = 20;

    private final Channel local;
    private final AgentEndpoint endpoint;
    private final SocketTransport transport;
    private final EventLoop loop;
    private final Duration attemptTimeout;
    private final long deadline;
    private final Consumer<Throwable> onObstacle;
    // Not a promise of either loop: it completes on the thread that closed the second channel, and a promise of the
    // other loop would hand its listeners to that loop, which may have ended already (Netty logs the rejection).
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    // The fields below are used on the loop only.
    private Channel agent;
    private boolean closed;

    /**
     * {@code onObstacle} hears what keeps this connection from the agent as it changes (a connect error, an
     * unanswered or failed handshake; null once the handshake succeeded). The attempt ends {@code attemptTimeout}
     * after this call.
     */
    AgentConnection(
            Channel local,
            AgentEndpoint endpoint,
            AgentEventLoops loops,
            Duration attemptTimeout,
            Consumer<Throwable> onObstacle) {
        this.local = local;
        this.endpoint = endpoint;
        this.transport = loops.transport();
        this.loop = loops.sockets().next();
        this.attemptTimeout = attemptTimeout;
        this.deadline = System.nanoTime() + attemptTimeout.toNanos();
        this.onObstacle = onObstacle;
    }

    void start() {
        local.closeFuture().addListener(f -> close());
        loop.execute(this::connect);
    }

    /** Closes both sides; safe from any thread, any number of times. */
    void close() {
        if (!loop.inEventLoop()) {
            loop.execute(this::close);
            return;
        }
        closed = true;
        // Not registered: a channel that could not even be created (Netty's stand-in has no loop to close on).
        ChannelFuture agentClosed = agent != null && agent.isRegistered() ? agent.close() : null;
        local.close().addListener(f -> {
            if (agentClosed == null) {
                ended.complete(null);
            } else {
                agentClosed.addListener(g -> ended.complete(null));
            }
        });
    }

    /** Done once {@link #close()} has closed both channels. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    private void connect() {
        if (closed) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            giveUp(null);
            return;
        }
        Promise<String> ready = loop.newPromise();
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channelFactory(() -> endpoint.newChannel(transport))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, ceilMillis(left)))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(
                                        new AgentHandshake(endpoint, AgentHandshake.newNonce(), deadline, ready),
                                        new Splice(local));
                    }
                })
                .connect(endpoint.address(transport));
        agent = connected.channel();
        connected.addListener(f -> {
            if (f.isSuccess() && !ready.isDone()) {
                report(new AgentException(
                        "handshake", "the agent at " + endpoint + " has not answered the hello yet", null));
            } else if (!f.isSuccess()) {
                retry(f.cause());
            }
        });
        ready.addListener(f -> {
            if (f.isSuccess()) {
                spliceWhenReady((String) f.getNow());
            } else if (connected.isSuccess()) {
                // A failed handshake ends this connection: the gRPC channel reconnects with a fresh hello.
                LOG.debug("no handshake with the agent at {}", endpoint, f.cause());
                report(f.cause());
                close();
            }
        });
    }

    private void retry(Throwable failure) {
        VcException obstacle = endpoint.connectFailure(failure, attemptTimeout);
        LOG.debug("no connection to the agent at {}", endpoint, obstacle);
        if (deadline - System.nanoTime() <= 0) {
            giveUp(obstacle);
            return;
        }
        report(obstacle);
        // The agent is reachable once the VM (or the agent) listens.
        loop.schedule(this::connect, CONNECT_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void giveUp(VcException last) {
        report(
                last instanceof VcTimeoutException
                        ? last
                        : new VcTimeoutException("connect to the agent at " + endpoint, attemptTimeout, last));
        close();
    }

    private void spliceWhenReady(String agentVersion) {
        if (closed) {
            return;
        }
        report(null);
        LOG.debug(
                "agent {} at {} answered the handshake", GuestText.bounded(agentVersion, GuestText.NAME_MAX), endpoint);
        Channel spliced = agent;
        // On the local channel's own loop, in a task after its registration: the handler is in place at once, and
        // the first read can come no sooner. From here, the handler would only be pending on that loop for a
        // while, and a read there (the channel becoming active sees autoRead) would pass it by: the gRPC client's
        // preface, sent once it is active, would be lost.
        local.eventLoop().execute(() -> {
            local.pipeline().addLast(new Splice(spliced));
            local.config().setAutoRead(true);
        });
    }

    private static long ceilMillis(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }

    private void report(Throwable obstacle) {
        if (!closed) {
            onObstacle.accept(obstacle);
        }
    }
}
