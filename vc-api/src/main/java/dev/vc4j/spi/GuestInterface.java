package dev.vc4j.spi;

import java.util.List;

/** A network interface in the guest: its addresses as {@code address/prefix-length}, IPv4 and IPv6. */
public record GuestInterface(String name, String mac, int mtu, boolean up, List<String> addresses) {
    public GuestInterface {
        addresses = List.copyOf(addresses);
    }
}
