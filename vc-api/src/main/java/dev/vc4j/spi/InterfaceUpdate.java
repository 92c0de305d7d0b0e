package dev.vc4j.spi;

import java.util.List;

/**
 * What {@link AgentSession#updateInterface} sets on one guest interface, found by {@code mac} or, when that is
 * empty, by {@code name}: its addresses ({@code address/prefix-length}, IPv4 or IPv6; they replace the
 * interface's others, its IPv6 link-local address excepted), its MTU (0: unchanged) and whether it is up.
 */
public record InterfaceUpdate(String mac, String name, List<String> addresses, int mtu, boolean up) {
    public InterfaceUpdate {
        mac = mac == null ? "" : mac;
        name = name == null ? "" : name;
        addresses = List.copyOf(addresses);
    }

    /** The interface with {@code mac}, up, with these addresses and MTU. */
    public static InterfaceUpdate byMac(String mac, List<String> addresses, int mtu) {
        return new InterfaceUpdate(mac, "", addresses, mtu, true);
    }

    /** The interface called {@code name}, up, with these addresses and MTU. */
    public static InterfaceUpdate byName(String name, List<String> addresses, int mtu) {
        return new InterfaceUpdate("", name, addresses, mtu, true);
    }

    /** How the agent is told which interface: the MAC when there is one. */
    public String target() {
        return mac.isEmpty() ? name : mac;
    }
}
