package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** Netty's native connect errors carry the errno only in their message: {@code ...failed with error(-111)...}. */
    private static final Pattern NATIVE_ERRNO = Pattern.compile("error\\((-\\d+)\\)");

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
     * The connect to the unix socket {@code socket} failed with {@code errno} (0: the deadline passed first, -1:
     * no errno known, e.g. from NIO). The VM may still be booting: these are retried until the caller's deadline.
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
            case -1 -> new AgentException("connect", "cannot connect to " + socket + ": " + cause.getMessage(), cause);
            default -> new AgentException("connect", "cannot connect to " + socket + " (" + name(errno) + ")", cause);
        };
    }

    /**
     * The errno behind a failed Netty connect: 0 for its CONNECT_TIMEOUT_MILLIS deadline, -1 when the failure
     * carries none (NIO's JDK exceptions).
     */
    static int errno(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof ConnectTimeoutException) {
                return 0;
            }
            if (e instanceof Errors.NativeIoException n) {
                return -n.expectedErr();
            }
            if (e instanceof NoRouteToHostException) {
                return EHOSTUNREACH;
            }
            if (e instanceof FileNotFoundException) {
                return ENOENT;
            }
            if (e instanceof ConnectException && e.getMessage() != null) {
                Matcher m = NATIVE_ERRNO.matcher(e.getMessage());
                if (m.find()) {
                    return -Integer.parseInt(m.group(1));
                }
            }
        }
        return -1;
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
