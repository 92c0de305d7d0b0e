package dev.vc4j;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether this host can run sandboxes, item by item, in words a user can act on (in the spirit of
 * {@code kata-runtime check}). {@link #canRun()} is false when something is missing; a degraded item (no KVM,
 * no vhost-vsock) still lets VMs run.
 */
public record HostCheck(List<Item> items) {

    public enum Status {
        OK,
        DEGRADED,
        MISSING
    }

    /** One thing checked: what, how it stands, and the detail or the fix. */
    public record Item(String what, Status status, String detail) {}

    public HostCheck {
        items = List.copyOf(items);
    }

    public boolean canRun() {
        return items.stream().noneMatch(i -> i.status() == Status.MISSING);
    }

    public List<Item> problems() {
        return items.stream().filter(i -> i.status() != Status.OK).toList();
    }

    /** One line per item, e.g. {@code [missing ] guest kernel: ... }. */
    public String report() {
        return items.stream()
                .map(i -> String.format("[%-8s] %s: %s", i.status().name().toLowerCase(), i.what(), i.detail()))
                .collect(Collectors.joining("\n"));
    }
}
