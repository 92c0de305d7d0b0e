package dev.vc4j.agent;

import dev.vc4j.spi.AgentChannel;

/** Where the agent listens, and how a socket reaches it. {@code toString()} names it in messages. */
interface AgentEndpoint {

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
