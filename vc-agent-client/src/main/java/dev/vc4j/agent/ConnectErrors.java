package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;

import java.time.Duration;
import java.util.Map;

/** What a failed connect to the agent means to a user, as vc4j's typed errors naming the socket or address. */
final class ConnectErrors {
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int ENODEV = 19;
    static final int EPIPE = 32;
    static final int EAFNOSUPPORT = 97;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    private static final Map<Integer, String> NAMES = Map.of(
            ENOENT,
            "ENOENT",
            EAGAIN,
            "EAGAIN",
            ENODEV,
            "ENODEV",
            EPIPE,
            "EPIPE",
            EAFNOSUPPORT,
            "EAFNOSUPPORT",
            ECONNRESET,
            "ECONNRESET",
            ETIMEDOUT,
            "ETIMEDOUT",
            ECONNREFUSED,
            "ECONNREFUSED",
            EHOSTUNREACH,
            "EHOSTUNREACH");

    private ConnectErrors() {}

    static String vsockAddress(long cid, int port) {
        return "vsock cid " + cid + " port " + port;
    }

    /** Creating a vsock socket failed with {@code errno}: the host lacks AF_VSOCK, or something rarer. */
    static AgentException vsockSocketFailure(int errno, long cid, int port, Throwable cause) {
        if (errno == EAFNOSUPPORT) {
            return new AgentException(
                    "connect",
                    "cannot reach " + vsockAddress(cid, port)
                            + ": this host has no AF_VSOCK sockets (EAFNOSUPPORT); load the vsock kernel modules",
                    cause);
        }
        return new AgentException(
                "connect", "cannot create a socket for " + vsockAddress(cid, port) + " (" + name(errno) + ")", cause);
    }

    /** The connect to {@code cid} and {@code port} failed with {@code errno} (0: the deadline passed first). */
    static VcException vsockConnectFailure(int errno, long cid, int port, Duration timeout, Throwable cause) {
        String where = vsockAddress(cid, port);
        return switch (errno) {
            case 0, ETIMEDOUT -> new VcTimeoutException("connect to the agent at " + where, timeout, cause);
            // a guest whose vsock device is up but where nothing listens on the port answers with a reset
            case ECONNREFUSED, ECONNRESET ->
                new AgentException("connect", "nothing listens on " + where + " (" + name(errno) + ")", cause);
            case ENODEV, EHOSTUNREACH ->
                new AgentException("connect", "no vsock transport reaches " + where + " (" + name(errno) + ")", cause);
            default -> new AgentException("connect", "cannot connect to " + where + " (" + name(errno) + ")", cause);
        };
    }

    /**
     * The connect to the unix socket {@code socket} failed with {@code errno} (0: the deadline passed first). The VM may still be booting: these are retried until the caller's deadline.
     */
    static VcException unixConnectFailure(int errno, String socket, Duration timeout, Throwable cause) {
        return switch (errno) {
            case 0, ETIMEDOUT -> new VcTimeoutException("connect to the agent at " + socket, timeout, cause);
            case ENOENT ->
                new AgentException(
                        "connect", "cannot connect to " + socket + ": there is no such socket (ENOENT)", cause);
            case ECONNREFUSED ->
                new AgentException("connect", "nothing listens on " + socket + " (ECONNREFUSED)", cause);
            // QEMU's chardev takes one client at a time; a non-blocking connect fails instead of waiting
            case EAGAIN ->
                new AgentException(
                        "connect", socket + " accepts no connection now: its backlog is full (EAGAIN)", cause);
            default -> new AgentException("connect", "cannot connect to " + socket + " (" + name(errno) + ")", cause);
        };
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
