package dev.vc4j;

import java.util.Objects;

/**
 * One network interface's counters as the guest kernel reports them in /proc/net/dev for the container's
 * network namespace: received ({@code rx}) and transmitted ({@code tx}) bytes, packets, errors and drops since
 * the interface was created.
 */
public record InterfaceStats(
        String name,
        long rxBytes,
        long rxPackets,
        long rxErrors,
        long rxDropped,
        long txBytes,
        long txPackets,
        long txErrors,
        long txDropped) {
    public InterfaceStats {
        Objects.requireNonNull(name, "name");
    }
}
