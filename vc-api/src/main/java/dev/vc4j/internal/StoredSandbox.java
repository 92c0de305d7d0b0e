package dev.vc4j.internal;

import dev.vc4j.ContainerConfig;
import dev.vc4j.InvalidStateException;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sandbox in the {@link SandboxStore}: its lock, its state and its containers'. The run path does not
 * survive a reboot, so a state it lost reads as stopped. Callers hold the lock, except to take it.
 */
public final class StoredSandbox {
    private final SandboxStore store;
    private final SandboxConfig config;

    public StoredSandbox(SandboxStore store, SandboxConfig config) {
        this.store = store;
        this.config = config;
    }

    public String id() {
        return config.id();
    }

    /** Shared to read, exclusive to change. */
    public SandboxLock lock(boolean exclusive) {
        return store.lock(id(), exclusive);
    }

    /** The stored state; a sandbox whose state did not survive a reboot is stopped. */
    public SandboxRecord load() {
        return read().orElseGet(this::afterReboot);
    }

    /** The stored state, which must be one of {@code allowed} for {@code operation}. The caller holds the lock. */
    public SandboxRecord loadIn(String operation, Set<SandboxState> allowed) {
        SandboxRecord record = load();
        if (!allowed.contains(record.state())) {
            throw InvalidStateException.operation("sandbox", id(), record.state(), operation, allowed);
        }
        return record;
    }

    /** The stored state; empty when it did not survive a reboot. */
    public Optional<SandboxRecord> read() {
        return store.readState(id());
    }

    /** The creation time lived in the run path too: unknown after a reboot. */
    public SandboxRecord afterReboot() {
        return new SandboxRecord(id(), SandboxState.STOPPED, null, null, config.annotations());
    }

    /** The status that {@code record} and the containers' stored states make: for a VM that runs, or none. */
    public SandboxStatus status(SandboxRecord record) {
        return new SandboxStatus(
                id(),
                record.state(),
                record.vm() == null ? 0 : record.vm().pid(),
                record.vm() != null,
                record.vm() == null ? null : record.vm().accelerator(),
                record.createdAt(),
                record.annotations(),
                containerIds().stream().map(cid -> container(cid).status()).toList());
    }

    /** Adds or replaces {@code changes} in the stored annotations; the others stay. */
    public void addAnnotations(Map<String, String> changes) {
        SandboxRecord record = load();
        Map<String, String> merged = new LinkedHashMap<>(record.annotations());
        merged.putAll(changes);
        write(record.withAnnotations(merged));
    }

    public void write(SandboxRecord record) {
        store.writeState(record);
    }

    /** The sandbox's directory under the run root: state, lock, sockets, logs. */
    public Path runDir() {
        return store.runDir(id());
    }

    /** The directory the sandbox's VM shares with the guest from boot on, made when missing. */
    public Path sharedDir() {
        return store.sharedDir(id());
    }

    /** Mounts a container's directory rootfs in the shared directory; false when this process may not mount. */
    boolean shareRootfs(String containerId, Path rootfs, Rootfs.Access access) {
        return store.shareRootfs(id(), containerId, rootfs, access);
    }

    /** Mounts the host directory of a container's bind mount in the shared directory; false as above. */
    boolean shareMount(String containerId, int index, Path dir, Rootfs.Access access) {
        return store.shareMount(id(), containerId, index, dir, access);
    }

    /** Facts about the host kept until reboot, such as whether KVM works. */
    public Path hostCache() {
        return store.roots().hostCache();
    }

    /** Removes the sandbox's directories and everything in them. */
    public void delete() {
        store.delete(id());
    }

    public List<String> containerIds() {
        return store.listContainers(id());
    }

    /** Throws {@link dev.vc4j.NotFoundException} when the sandbox has no container {@code containerId}. */
    public ContainerConfig containerConfig(String containerId) {
        return store.readContainerConfig(id(), containerId);
    }

    void createContainerConfig(ContainerConfig containerConfig) {
        store.createContainerConfig(id(), containerConfig);
    }

    /** The stored state of a container; one whose state did not survive a reboot is stopped. */
    public ContainerRecord container(String containerId) {
        return readContainer(containerId).orElseGet(() -> ContainerRecords.afterReboot(containerId));
    }

    /** The stored state of a container; empty when it has none (deleted, or lost with a reboot). */
    public Optional<ContainerRecord> readContainer(String containerId) {
        return store.readContainerState(id(), containerId);
    }

    public void writeContainer(ContainerRecord record) {
        store.writeContainerState(id(), record);
    }

    /** Removes the container's files, and its rootfs from the shared directory. */
    public void deleteContainer(String containerId) {
        store.deleteContainer(id(), containerId);
    }
}
