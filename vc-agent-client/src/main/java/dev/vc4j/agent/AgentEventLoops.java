package dev.vc4j.agent;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The event loops every agent connection of this JVM runs on: one thread for the gRPC side (in-process local
 * channels) and one for the sockets to the agents (epoll, or NIO). A connection, a reconnect or a session adds no
 * thread. The loops live while a session holds them ({@link #acquire()} to {@link #release()}) and a moment
 * longer, so that a reconnect right after a close finds them; then their threads end. Threads are daemons
 * named {@code vc4j-agent-*}.
 */
final class AgentEventLoops {
    static final String THREAD_PREFIX = "vc4j-agent";
    /** How long unused loops wait for a new session before their threads end. */
    static final Duration LINGER = Duration.ofSeconds(1);

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
    private static final Object LOCK = new Object();
    /** The shared loops, while they live. Guarded by LOCK. */
    private static AgentEventLoops shared;

    private final SocketTransport transport;
    private final Duration linger;
    private final EventLoopGroup local;
    private final EventLoopGroup sockets;
    /** Sessions holding these loops. Guarded by LOCK. */
    private int holders;

    private AgentEventLoops(SocketTransport transport, Duration linger) {
        this.transport = transport;
        this.linger = linger;
        this.local = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory(THREAD_PREFIX + "-grpc", true), LocalIoHandler.newFactory());
        this.sockets = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory(THREAD_PREFIX + "-io", true), transport.ioHandlerFactory());
    }

    /** The shared loops on this JVM's transport, held until {@link #release()}. */
    static AgentEventLoops acquire() {
        synchronized (LOCK) {
            if (shared == null) {
                shared = new AgentEventLoops(SocketTransport.detected(), LINGER);
            }
            shared.holders++;
            return shared;
        }
    }

    /**
     * Loops of their own on {@code transport} (tests of the NIO fallback), held until {@link #release()}, which
     * ends them at once: nobody else can take them.
     */
    static AgentEventLoops exclusive(SocketTransport transport) {
        AgentEventLoops loops = new AgentEventLoops(transport, Duration.ZERO);
        synchronized (LOCK) {
            loops.holders++;
        }
        return loops;
    }

    SocketTransport transport() {
        return transport;
    }

    /** Where local channels (the gRPC channel and the relay's local server) run. */
    EventLoopGroup local() {
        return local;
    }

    /** Where the channels to the agents run. */
    EventLoopGroup sockets() {
        return sockets;
    }

    /** Lets go of these loops; the last holder's release ends the shared ones after {@link #LINGER}, unless taken again. */
    void release() {
        synchronized (LOCK) {
            if (holders <= 0) {
                throw new IllegalStateException("the agent event loops were released more often than acquired");
            }
            if (--holders > 0) {
                return;
            }
        }
        sockets.schedule(this::endIfUnused, linger.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void endIfUnused() {
        synchronized (LOCK) {
            if (holders > 0) {
                return;
            }
            if (shared == this) {
                shared = null;
            }
        }
        local.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        sockets.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
