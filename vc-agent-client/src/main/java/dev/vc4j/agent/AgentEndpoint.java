package dev.vc4j.agent;

import dev.vc4j.spi.AgentChannel;

import java.io.IOException;
import java.time.Duration;

/** Where the agent listens, and how to open one connection to it. {@code toString()} names it in messages. */
interface AgentEndpoint {

    /**
     * One attempt to connect, for at most {@code timeout}. A failure that may pass (the VM still booting, the
     * agent not listening yet) is an {@link IOException} or a {@link dev.vc4j.VcException}; callers retry those.
     */
    AgentStream connect(Duration timeout) throws IOException;

    /** Fails at once, with the reason, when this host cannot reach such an endpoint at all. */
    void requireUsable();

    /** The endpoint for a VM's recorded channel: the transport is chosen by what the VM was given. */
    static AgentEndpoint of(AgentChannel channel) {
        return switch (channel.transport()) {
            case VIRTIO_SERIAL -> new UnixSocketEndpoint(channel.socket());
            case VSOCK -> new VsockEndpoint(channel.cid(), channel.port());
        };
    }
}
