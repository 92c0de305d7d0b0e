package dev.vc4j;

import java.util.regex.Pattern;

/**
 * A port of the host forwarded to a port of the guest in user mode: connections (TCP) or datagrams (UDP) to
 * {@code hostAddress:hostPort} on the host reach the guest at {@code guestPort}. {@code hostAddress} is an IPv4
 * literal, 127.0.0.1 unless given, so that only the host itself reaches the forward.
 */
public record PortForward(Protocol protocol, String hostAddress, int hostPort, int guestPort) {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    public enum Protocol {
        TCP,
        UDP
    }

    public PortForward {
        if (protocol == null) {
            throw new InvalidConfigException("protocol", null, "is required (TCP or UDP)");
        }
        if (hostAddress == null || !IPV4.matcher(hostAddress).matches()) {
            throw new InvalidConfigException("hostAddress", hostAddress, "must be an IPv4 address such as 127.0.0.1");
        }
        requirePort("hostPort", hostPort);
        requirePort("guestPort", guestPort);
    }

    /** Host {@code 127.0.0.1:hostPort} to guest {@code guestPort}, over TCP. */
    public static PortForward tcp(int hostPort, int guestPort) {
        return new PortForward(Protocol.TCP, "127.0.0.1", hostPort, guestPort);
    }

    /** Host {@code 127.0.0.1:hostPort} to guest {@code guestPort}, over UDP. */
    public static PortForward udp(int hostPort, int guestPort) {
        return new PortForward(Protocol.UDP, "127.0.0.1", hostPort, guestPort);
    }

    private static void requirePort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidConfigException(field, port, "must be a port from 1 to 65535");
        }
    }
}
