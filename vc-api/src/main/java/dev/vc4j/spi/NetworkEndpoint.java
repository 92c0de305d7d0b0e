package dev.vc4j.spi;

import java.util.List;

/**
 * One guest network interface and how the host backs it. {@code ipv4} is CIDR notation
 * ({@code 10.0.2.15/24}); {@code gateway} and {@code dns} may be empty; {@code mtu} 0 leaves the guest's default.
 * The agent configures the interface, found by its MAC, once the VM is up.
 */
public record NetworkEndpoint(
        Backend backend, String guestName, String mac, String ipv4, String gateway, List<String> dns, int mtu) {
    /** What carries the interface's frames on the host. */
    public enum Backend {
        /** QEMU's own user-mode stack (slirp). */
        QEMU_USER
    }

    public NetworkEndpoint {
        dns = List.copyOf(dns);
    }
}
