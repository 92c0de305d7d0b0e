package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;

import java.time.Duration;
import java.util.Map;

/** What a failed vsock call means to a user, as vc4j's typed errors naming the address. */
final class VsockErrors {
    static final int ENODEV = 19;
    static final int EAFNOSUPPORT = 97;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    private static final Map<Integer, String> NAMES = Map.of(ENODEV, "ENODEV", EAFNOSUPPORT, "EAFNOSUPPORT",
            ECONNRESET, "ECONNRESET", ETIMEDOUT, "ETIMEDOUT", ECONNREFUSED, "ECONNREFUSED", EHOSTUNREACH, "EHOSTUNREACH");

    private VsockErrors() {
    }

    static String address(long cid, int port) {
        return "vsock cid " + cid + " port " + port;
    }

    /** Creating the socket failed: the host lacks AF_VSOCK, or something rarer. */
    static AgentException socketFailure(int errno, long cid, int port) {
        if (errno == EAFNOSUPPORT) {
            return new AgentException("connect", "cannot reach " + address(cid, port)
                    + ": this host has no AF_VSOCK sockets (EAFNOSUPPORT); load the vsock kernel modules", null);
        }
        return new AgentException("connect", "cannot create a socket for " + address(cid, port) + " ("
                + name(errno) + ")", null);
    }

    /** The connect to {@code cid} and {@code port} failed with {@code errno} (0: the deadline passed first). */
    static VcException connectFailure(int errno, long cid, int port, Duration timeout) {
        String where = address(cid, port);
        return switch (errno) {
            case 0, ETIMEDOUT -> new VcTimeoutException("connect to the agent at " + where, timeout, null);
            // a guest whose vsock device is up but where nothing listens on the port answers with a reset
            case ECONNREFUSED, ECONNRESET -> new AgentException("connect", "nothing listens on " + where
                    + " (" + name(errno) + ")", null);
            case ENODEV, EHOSTUNREACH -> new AgentException("connect", "no vsock transport reaches " + where
                    + " (" + name(errno) + ")", null);
            default -> new AgentException("connect", "cannot connect to " + where + " (" + name(errno) + ")", null);
        };
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
