package dev.vc4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the sandbox's VM reaches the network. {@link Mode#NONE} gives the guest no network device at all;
 * {@link Mode#USER} gives it one NIC behind a user-mode network stack on the host (passt: NAT through the host's
 * sockets, no privileges, no host interfaces). In user mode the guest (10.0.2.15/24, gateway 10.0.2.2, DNS
 * forwarder 10.0.2.3) reaches what the host reaches outside itself, but not the host's loopback: only with
 * {@code hostLoopback} does the gateway address 10.0.2.2 lead to the host's 127.0.0.1. {@code portForwards}
 * lead host ports to the guest.
 */
public record NetworkConfig(Mode mode, boolean hostLoopback, List<PortForward> portForwards) {
    public enum Mode {
        NONE,
        USER
    }

    public NetworkConfig {
        if (mode == null) {
            throw new InvalidConfigException("network.mode", null, "is required (NONE or USER)");
        }
        portForwards = portForwards == null ? List.of() : List.copyOf(portForwards);
        if (mode != Mode.USER && hostLoopback) {
            throw new InvalidConfigException("network.hostLoopback", true, "needs the user mode");
        }
        Set<String> hostSides = new HashSet<>();
        for (int i = 0; i < portForwards.size(); i++) {
            PortForward forward = portForwards.get(i);
            String field = "network.portForwards[" + i + "]";
            if (forward == null) {
                throw new InvalidConfigException(field, null, "is required");
            }
            if (mode != Mode.USER) {
                throw new InvalidConfigException(field, describe(forward), "needs the user mode");
            }
            if (!hostSides.add(forward.protocol() + " " + forward.hostAddress() + ":" + forward.hostPort())) {
                throw new InvalidConfigException(
                        field + ".hostPort", forward.hostPort(), "is forwarded twice for " + forward.protocol());
            }
        }
    }

    public static NetworkConfig none() {
        return new NetworkConfig(Mode.NONE, false, List.of());
    }

    /** User mode, the host's loopback out of the guest's reach, no port forwarded. */
    public static NetworkConfig userMode() {
        return new NetworkConfig(Mode.USER, false, List.of());
    }

    /** This config with the host's loopback reachable from the guest at the gateway address 10.0.2.2. */
    public NetworkConfig allowHostLoopback() {
        return new NetworkConfig(mode, true, portForwards);
    }

    /** This config with {@code forward} added. */
    public NetworkConfig withPortForward(PortForward forward) {
        List<PortForward> more = new ArrayList<>(portForwards);
        more.add(forward);
        return new NetworkConfig(mode, hostLoopback, more);
    }

    private static String describe(PortForward forward) {
        return forward.protocol() + " " + forward.hostAddress() + ":" + forward.hostPort() + "->" + forward.guestPort();
    }
}
