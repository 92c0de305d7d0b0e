package dev.vc4j;

import java.nio.file.Path;
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
 * lead host ports to the guest. In {@link Mode#NETNS} a null {@code namespace} is one vc4j creates for each boot
 * of the VM and removes when the VM ends ({@link #newNamespace()}).
 */
public record NetworkConfig(Mode mode, boolean hostLoopback, List<PortForward> portForwards, String namespace) {
    public enum Mode {
        NONE,
        USER,
        /**
         * The VM is the pod's end of the interfaces in a network namespace, the caller's ({@link #namespace(Path)})
         * or one vc4j creates ({@link #newNamespace()}).
         */
        NETNS
    }

    public NetworkConfig {
        if (mode == null) {
            throw new InvalidConfigException("network.mode", null, "is required (NONE or USER)");
        }
        portForwards = portForwards == null ? List.of() : List.copyOf(portForwards);
        if (mode == Mode.NETNS && namespace != null && !namespace.startsWith("/")) {
            throw new InvalidConfigException("network.namespace", namespace, "must be an absolute path in netns mode");
        }
        if (mode != Mode.NETNS && namespace != null) {
            throw new InvalidConfigException("network.namespace", namespace, "needs the netns mode");
        }
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
        return new NetworkConfig(Mode.NONE, false, List.of(), null);
    }

    /** User mode, the host's loopback out of the guest's reach, no port forwarded. */
    public static NetworkConfig userMode() {
        return new NetworkConfig(Mode.USER, false, List.of(), null);
    }

    /**
     * Netns mode (root only): the network namespace at {@code path} (such as /var/run/netns/NAME or
     * /proc/PID/ns/net, as CNI plugins, netavark and CRI runtimes hand it over) holds the pod's interfaces; the VM
     * runs in it, with a tap per interface joined to it by tc redirects, and the guest takes each interface's MAC,
     * MTU, address and gateway.
     */
    public static NetworkConfig namespace(Path path) {
        return new NetworkConfig(Mode.NETNS, false, List.of(), path.toString());
    }

    /**
     * Netns mode (root only) in a network namespace vc4j creates when the VM boots and removes, with all that is
     * in it, when the VM ends (by stop, delete or {@code cleanup()}). The sandbox's prestart hooks run in it before
     * vc4j reads its interfaces, so that a hook (a CNI plugin, say) puts the pod's interfaces there; a namespace
     * they leave without an Ethernet link fails the boot.
     */
    public static NetworkConfig newNamespace() {
        return new NetworkConfig(Mode.NETNS, false, List.of(), null);
    }

    /** Whether vc4j creates the sandbox's network namespace ({@link #newNamespace()}). */
    public boolean createsNamespace() {
        return mode == Mode.NETNS && namespace == null;
    }

    /** This config with the host's loopback reachable from the guest at the gateway address 10.0.2.2. */
    public NetworkConfig allowHostLoopback() {
        return new NetworkConfig(mode, true, portForwards, namespace);
    }

    /** This config with {@code forward} added. */
    public NetworkConfig withPortForward(PortForward forward) {
        List<PortForward> more = new ArrayList<>(portForwards);
        more.add(forward);
        return new NetworkConfig(mode, hostLoopback, more, namespace);
    }

    private static String describe(PortForward forward) {
        return forward.protocol() + " " + forward.hostAddress() + ":" + forward.hostPort() + "->" + forward.guestPort();
    }
}
