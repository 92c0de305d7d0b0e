package dev.vc4j.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the host reaches a VM's agent: the unix socket behind its virtio-serial port ({@code socket}), or a
 * vsock address ({@code cid}, {@code port}). Recorded with the VM so that another process connects the same way.
 */
public record AgentChannel(Transport transport, Path socket, long cid, int port) {

    /** The port the guest agent listens on for vsock connections. */
    public static final int AGENT_VSOCK_PORT = 1024;

    public enum Transport {
        VIRTIO_SERIAL,
        VSOCK
    }

    public AgentChannel {
        Objects.requireNonNull(transport, "transport");
        if (transport == Transport.VIRTIO_SERIAL && socket == null) {
            throw new IllegalArgumentException("a virtio-serial agent channel needs its socket");
        }
        // 0-2 are the hypervisor, the loopback and the host; 0xFFFFFFFF means any
        if (transport == Transport.VSOCK && (cid < 3 || cid > 0xFFFF_FFFEL || port <= 0)) {
            throw new IllegalArgumentException("vsock cid " + cid + " port " + port + " cannot be a guest's agent");
        }
    }

    public static AgentChannel virtioSerial(Path socket) {
        return new AgentChannel(Transport.VIRTIO_SERIAL, Objects.requireNonNull(socket, "socket"), 0, 0);
    }

    public static AgentChannel vsock(long cid, int port) {
        return new AgentChannel(Transport.VSOCK, null, cid, port);
    }

    @Override
    public String toString() {
        return transport == Transport.VSOCK ? "vsock cid " + cid + " port " + port : socket.toString();
    }
}
