package dev.vc4j.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Puts the agent handshake in front of grpc-java without touching its internals: the gRPC channel connects
 * to an in-process Netty {@link LocalAddress}, and every connection accepted there gets its own fresh
 * connection to the agent (unix socket or vsock), handshaked before a single gRPC byte passes. The relay owns the event
 * loop that both its local server and the gRPC channel run on.
 */
final class HandshakeRelay implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final AgentEndpoint socket;
    private final Duration attemptTimeout;
    private final LocalAddress address = new LocalAddress("vc4j-agent-" + UUID.randomUUID());
    private final EventLoopGroup group;
    private final Channel server;
    private final Set<RelayConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> loopThreads = new CopyOnWriteArrayList<>();
    private volatile Throwable obstacle;
    private volatile boolean closed;

    /**
     * Starts listening on a fresh local address. Each accepted connection tries to reach the agent at
     * {@code socket} (connect and handshake) for at most {@code attemptTimeout}.
     */
    HandshakeRelay(AgentEndpoint socket, Duration attemptTimeout) {
        this.socket = socket;
        this.attemptTimeout = attemptTimeout;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vc4j-agent-loop", true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread t = super.newThread(r, name);
                loopThreads.add(t);
                return t;
            }
        }, LocalIoHandler.newFactory());
        try {
            this.server = new ServerBootstrap()
                    .group(group)
                    .channel(LocalServerChannel.class)
                    // Nothing may reach the agent before the handshake has finished.
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel channel) {
                            accept(channel);
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException | Error e) {
            group.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Where the gRPC channel connects. */
    LocalAddress address() {
        return address;
    }

    /** The event loop the gRPC channel must use: a local address is only reachable from the same group. */
    EventLoopGroup eventLoopGroup() {
        return group;
    }

    /**
     * What keeps the agent unreachable right now, if anything: the latest connect error, an unanswered or failed
     * handshake. Empty before the first attempt and after a handshake succeeded. The cause to report on a timeout.
     */
    Optional<Throwable> obstacle() {
        return Optional.ofNullable(obstacle);
    }

    private void accept(LocalChannel channel) {
        RelayConnection connection = new RelayConnection(channel, socket, attemptTimeout, e -> obstacle = e,
                connections::remove);
        connections.add(connection);
        // Checked after adding, so that close() either sees this connection or this sees close().
        if (closed) {
            connection.close();
            return;
        }
        connection.start();
    }

    /** Closes the local server, every relayed connection and the event loop, and waits briefly for the threads. */
    @Override
    public void close() {
        closed = true;
        server.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        for (RelayConnection connection : connections) {
            connection.close();
        }
        boolean interrupted = false;
        for (RelayConnection connection : connections) {
            try {
                connection.awaitThreads(CLOSE_WAIT);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        group.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_WAIT.toMillis());
        // The group reports termination from its own thread, just before that thread ends.
        for (Thread t : loopThreads) {
            try {
                t.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
