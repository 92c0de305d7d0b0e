package dev.vc4j.network;

import java.util.List;

/**
 * An Ethernet link found in a sandbox's network namespace, as a CNI plugin left it: the guest's NIC takes its MAC,
 * MTU, IPv4 addresses ({@code address/prefix}) and the default gateway routed through it (empty when none is).
 */
record PodInterface(String name, String mac, int mtu, List<String> ipv4, String gateway) {
    PodInterface {
        ipv4 = List.copyOf(ipv4);
    }
}
