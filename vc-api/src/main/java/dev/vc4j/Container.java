package dev.vc4j;

import dev.vc4j.spi.ContainerRecord;

/**
 * A container of a {@link Sandbox}, known from the store. Reading its config and status works in any
 * process, like the sandbox's; every read takes the sandbox's shared lock.
 */
public final class Container {
    private final VirtContainers vc;
    private final String sandboxId;
    private final ContainerConfig config;

    Container(VirtContainers vc, String sandboxId, ContainerConfig config) {
        this.vc = vc;
        this.sandboxId = sandboxId;
        this.config = config;
    }

    public String id() {
        return config.id();
    }

    public String sandboxId() {
        return sandboxId;
    }

    public ContainerConfig config() {
        return config;
    }

    public ContainerStatus status() {
        try (var lock = vc.store().lock(sandboxId, false)) {
            return load(vc, sandboxId, id()).status();
        }
    }

    /** The stored state; a container whose state did not survive a reboot is stopped. Caller holds the lock. */
    static ContainerRecord load(VirtContainers vc, String sandboxId, String containerId) {
        return vc.store().readContainerState(sandboxId, containerId).orElseGet(() -> new ContainerRecord(
                new ContainerStatus(containerId, ContainerState.STOPPED, 0, null, null, null, false, 0), false, null));
    }
}
