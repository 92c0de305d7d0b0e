package dev.vc4j.agent;

import dev.vc4j.VcException;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** The unix socket QEMU serves for the VM's virtio-serial port (or a host-mode agent listens on, in tests). */
record UnixSocketEndpoint(Path socket) implements AgentEndpoint {

    @Override
    public Channel newChannel(SocketTransport transport) {
        return transport.newUnixChannel();
    }

    @Override
    public SocketAddress address(SocketTransport transport) {
        return transport.unixAddress(socket);
    }

    @Override
    public VcException connectFailure(Throwable failure, Duration timeout) {
        return ConnectErrors.unixConnectFailure(ConnectErrors.errno(failure), socket.toString(), timeout, failure);
    }

    @Override
    public void requireUsable(SocketTransport transport) {
        // every transport has unix sockets; a missing socket is waited for
    }

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
