package dev.vc4j.spi;

import java.nio.file.Path;
import java.util.List;

/**
 * One guest network interface and how the host backs it. {@code ipv4} is CIDR notation
 * ({@code 10.0.2.15/24}); {@code gateway} and {@code dns} may be empty; {@code mtu} 0 leaves the guest's default.
 * {@code hostLink} is where the hypervisor connects the interface's frames: the unix socket of the user-mode stack
 * for {@link Backend#PASST}, the tap's name for {@link Backend#TAP}; {@code namespace} is the network namespace the
 * hypervisor must run in to open it (null: its own). The agent configures the interface, found by its MAC, once
 * the VM is up.
 */
public record NetworkEndpoint(
        Backend backend,
        String guestName,
        String mac,
        String ipv4,
        String gateway,
        List<String> dns,
        int mtu,
        String hostLink,
        Path namespace) {
    /** What carries the interface's frames on the host. */
    public enum Backend {
        /** passt, a user-mode network stack in its own process, reached through a unix stream socket. */
        PASST,
        /** A tap in the sandbox's network namespace, joined to a pod interface there by tc redirects. */
        TAP
    }

    public NetworkEndpoint {
        dns = List.copyOf(dns);
    }
}
