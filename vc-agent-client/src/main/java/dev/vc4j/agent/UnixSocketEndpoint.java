package dev.vc4j.agent;

import java.nio.file.Path;

/** The unix socket QEMU serves for the VM's virtio-serial port (or a host-mode agent listens on, in tests). */
record UnixSocketEndpoint(Path socket) implements AgentEndpoint {

    @Override
    public AgentSocket connect(long deadlineNanos) {
        return AgentSocket.connectUnix(socket, deadlineNanos);
    }

    /** Every host has unix sockets, and a missing socket is waited for; a path sockaddr_un cannot hold is not. */
    @Override
    public void requireReachable() {
        AgentSocket.unixPath(socket);
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
