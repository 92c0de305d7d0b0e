package dev.vc4j.agent;

import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import io.netty.channel.epoll.VSockAddress;

import java.net.SocketAddress;

/**
 * An AF_VSOCK stream on Netty's epoll transport. Netty has the vsock socket and address ({@link LinuxSocket},
 * {@link VSockAddress}) but no channel that connects one; reads, writes, the connect's completion (SO_ERROR on
 * EPOLLOUT) and its CONNECT_TIMEOUT_MILLIS deadline are the epoll stream channel's, as for any other socket.
 */
final class EpollVsockChannel extends AbstractEpollStreamChannel {
    private final EpollChannelConfig config = new EpollChannelConfig(this) {};
    private volatile VSockAddress remote;

    EpollVsockChannel() {
        super(LinuxSocket.newVSockStream(), false);
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }

    /** Starts the non-blocking connect; false while it is in progress, which EPOLLOUT then reports. */
    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        VSockAddress address = (VSockAddress) remoteAddress;
        boolean started = false;
        try {
            boolean connected = socket.connectVSock(address);
            if (!connected) {
                setFlag(Native.EPOLLOUT);
            }
            remote = address;
            started = true;
            return connected;
        } finally {
            // as the other epoll channels do: a connect that failed at once leaves no open socket
            if (!started) {
                doClose();
            }
        }
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    /** The host's own vsock address is of no use here; Netty would read it as an IP address. */
    @Override
    protected SocketAddress localAddress0() {
        return null;
    }
}
