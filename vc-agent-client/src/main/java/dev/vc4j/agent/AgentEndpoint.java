package dev.vc4j.agent;

import dev.vc4j.VcException;
import dev.vc4j.spi.AgentChannel;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.time.Duration;

/** Where the agent listens, and how a channel reaches it. {@code toString()} names it in messages. */
interface AgentEndpoint {

    /** A new, unconnected channel for this endpoint on {@code transport}. */
    Channel newChannel(SocketTransport transport);

    /** The address that channel connects to. */
    SocketAddress address(SocketTransport transport);

    /**
     * What a failed connect attempt means, naming this endpoint. A failure that may pass (the VM still booting,
     * the agent not listening yet) is retried by the caller until its deadline, {@code timeout} after it began.
     */
    VcException connectFailure(Throwable failure, Duration timeout);

    /** Fails at once, with the reason, when this host cannot reach such an endpoint at all. */
    void requireUsable(SocketTransport transport);

    /**
     * One connect attempt to the agent, ending by {@code deadlineNanos} (a {@link System#nanoTime()} value). A
     * failure that may pass (the VM still booting, the agent not listening yet) is the caller's to retry.
     *
     * @throws dev.vc4j.AgentException naming this endpoint and the errno
     * @throws dev.vc4j.VcTimeoutException when the deadline passed first
     */
    AgentSocket connect(long deadlineNanos);

    /**
     * Fails at once, with the reason, when no connect to such an endpoint can ever succeed: a host without AF_VSOCK,
     * a unix socket path too long for sockaddr_un.
     *
     * @throws dev.vc4j.AgentException saying why
     */
    void requireReachable();

    /** The endpoint for a VM's recorded channel: the transport is chosen by what the VM was given. */
    static AgentEndpoint of(AgentChannel channel) {
        return switch (channel.transport()) {
            case VIRTIO_SERIAL -> new UnixSocketEndpoint(channel.socket());
            case VSOCK -> new VsockEndpoint(channel.cid(), channel.port());
        };
    }
}
