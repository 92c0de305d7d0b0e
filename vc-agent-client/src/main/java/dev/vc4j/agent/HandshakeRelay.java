package dev.vc4j.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts the agent handshake in front of grpc-java without touching its internals: the gRPC channel connects
 * to an in-process Netty {@link LocalAddress}, and every connection accepted there gets its own fresh
 * connection to the agent (unix socket or vsock), handshaked before a single gRPC byte passes
 * ({@link AgentConnection}). Everything runs on the shared {@link AgentEventLoops}, which the caller holds.
 */
final class HandshakeRelay implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final AgentEndpoint endpoint;
    private final AgentEventLoops loops;
    private final Duration attemptTimeout;
    private final LocalAddress address = new LocalAddress("vc4j-agent-" + UUID.randomUUID());
    private final Channel server;
    private final Set<AgentConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile Throwable obstacle;
    private volatile boolean closed;

    /**
     * Starts listening on a fresh local address. Each accepted connection tries to reach the agent at
     * {@code endpoint} (connect and handshake) for at most {@code attemptTimeout}.
     */
    HandshakeRelay(AgentEndpoint endpoint, AgentEventLoops loops, Duration attemptTimeout) {
        this.endpoint = endpoint;
        this.loops = loops;
        this.attemptTimeout = attemptTimeout;
        this.server = new ServerBootstrap()
                .group(loops.local())
                .channel(LocalServerChannel.class)
                // Nothing may reach the agent before the handshake has finished.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel channel) {
                        accept(channel);
                    }
                })
                .bind(address)
                .syncUninterruptibly()
                .channel();
    }

    /** Where the gRPC channel connects, on the loops' {@link AgentEventLoops#local()} group. */
    LocalAddress address() {
        return address;
    }

    /**
     * What keeps the agent unreachable right now, if anything: the latest connect error, an unanswered or failed
     * handshake. Empty before the first attempt and after a handshake succeeded. The cause to report on a timeout.
     */
    Optional<Throwable> obstacle() {
        return Optional.ofNullable(obstacle);
    }

    private void accept(LocalChannel channel) {
        AgentConnection connection = new AgentConnection(channel, endpoint, loops, attemptTimeout, e -> obstacle = e);
        connections.add(connection);
        connection.ended().whenComplete((done, failure) -> connections.remove(connection));
        // Checked after adding, so that close() either sees this connection or this sees close().
        if (closed) {
            connection.close();
            return;
        }
        connection.start();
    }

    /**
     * Closes the local server and every relayed connection, and waits briefly until their sockets are closed.
     * Not from an event loop thread of {@link AgentEventLoops}: it would wait for itself.
     */
    @Override
    public void close() {
        closed = true;
        server.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        for (AgentConnection connection : connections) {
            connection.close();
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (AgentConnection connection : connections) {
            try {
                connection.ended().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // not closed in time: the end of the loops closes it
            }
        }
    }
}
