package dev.vc4j.agent;

import dev.vc4j.VcException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.VSockAddress;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * The agent's vsock listener in a VM with a vhost-vsock device. The connect does not block and has the caller's
 * deadline (the kernel's own vsock connect timeout is 2 s and not ours to rely on).
 */
record VsockEndpoint(long cid, int port) implements AgentEndpoint {

    @Override
    public Channel newChannel(SocketTransport transport) {
        try {
            return transport.newVsockChannel(toString());
        } catch (ChannelException e) {
            throw ConnectErrors.vsockSocketFailure(ConnectErrors.errno(e), cid, port, e);
        }
    }

    /** CIDs are unsigned 32-bit; Netty's address keeps the same bits in an int. */
    @Override
    public SocketAddress address(SocketTransport transport) {
        return new VSockAddress((int) cid, port);
    }

    @Override
    public VcException connectFailure(Throwable failure, Duration timeout) {
        if (failure instanceof VcException e) {
            return e; // the socket could not even be created: already says why
        }
        return ConnectErrors.vsockConnectFailure(ConnectErrors.errno(failure), cid, port, timeout, failure);
    }

    /** Creates and closes one socket: a host without AF_VSOCK (or without epoll) fails here, with the reason. */
    @Override
    public void requireUsable(SocketTransport transport) {
        newChannel(transport).unsafe().closeForcibly();
    }

    @Override
    public AgentSocket connect(long deadlineNanos) {
        return AgentSocket.connectVsock(cid, port, deadlineNanos);
    }

    /** Creates and closes one socket: a host without AF_VSOCK fails here, with the reason. */
    @Override
    public void requireReachable() {
        AgentSocket.requireVsock(cid, port);
    }

    @Override
    public String toString() {
        return ConnectErrors.vsockAddress(cid, port);
    }
}
