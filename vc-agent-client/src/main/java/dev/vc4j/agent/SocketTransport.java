package dev.vc4j.agent;

import dev.vc4j.AgentException;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What carries the bytes to the agent: Netty's native epoll transport (unix sockets and vsock), or, where its
 * native library cannot load (another architecture), NIO, which has unix sockets but no vsock.
 */
final class SocketTransport {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    private static final SocketTransport DETECTED = detect();

    /** Null for epoll; for NIO, why epoll is not used. */
    private final String epollMissing;

    private SocketTransport(String epollMissing) {
        this.epollMissing = epollMissing;
    }

    /** The transport of this JVM, chosen once: epoll when its native library loads. */
    static SocketTransport detected() {
        return DETECTED;
    }

    static SocketTransport epoll() {
        Epoll.ensureAvailability();
        return new SocketTransport(null);
    }

    /** NIO, for {@code epollMissing}: the reason, named in errors that only epoll could avoid. */
    static SocketTransport nio(String epollMissing) {
        return new SocketTransport(epollMissing);
    }

    private static SocketTransport detect() {
        if (Epoll.isAvailable()) {
            return new SocketTransport(null);
        }
        Throwable cause = Epoll.unavailabilityCause();
        String reason = "Netty's native epoll transport does not load on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + " (" + cause + ")";
        LOG.warn("{}: the agent's unix socket goes through NIO, vsock is unavailable", reason);
        return nio(reason);
    }

    boolean isEpoll() {
        return epollMissing == null;
    }

    /** Why epoll is not used, for NIO. */
    Optional<String> epollMissing() {
        return Optional.ofNullable(epollMissing);
    }

    IoHandlerFactory ioHandlerFactory() {
        return isEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Channel newUnixChannel() {
        return isEpoll() ? new EpollDomainSocketChannel() : new NioDomainSocketChannel();
    }

    SocketAddress unixAddress(Path socket) {
        return isEpoll() ? new DomainSocketAddress(socket.toString()) : UnixDomainSocketAddress.of(socket);
    }

    /** A vsock channel, where the transport has one; {@code address} names the agent in the error. */
    Channel newVsockChannel(String address) {
        if (!isEpoll()) {
            throw new AgentException(
                    "connect",
                    "cannot reach " + address + ": vsock needs the native epoll transport; " + epollMissing,
                    null);
        }
        return new EpollVsockChannel();
    }

    @Override
    public String toString() {
        return isEpoll() ? "epoll" : "nio";
    }
}
