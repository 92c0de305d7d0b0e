package dev.vc4j.spi;

import dev.vc4j.ContainerConfig;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StoreRoots;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persists sandboxes: the config under the config root, the state under the run root. Every write is
 * atomic and durable; every read checks the format version.
 */
public interface SandboxStore {

    StoreRoots roots();

    /** The sandbox's directory under the run root: state, lock, sockets, logs. */
    Path runDir(String sandboxId);

    /**
     * Takes an existing sandbox's lock: shared for reads, exclusive for changes. Blocks until granted.
     * Recreates the run directory when only the config survived (after a reboot). Throws NotFound when
     * the sandbox has no config, including when it was deleted while this caller waited.
     */
    SandboxLock lock(String sandboxId, boolean exclusive);

    /** Takes the exclusive lock of a sandbox about to be created, creating its run directory. */
    SandboxLock lockNew(String sandboxId);

    /** Writes the config; fails with AlreadyExists when the sandbox has one. */
    void createConfig(SandboxConfig config);

    SandboxConfig readConfig(String sandboxId);

    void writeState(SandboxRecord record);

    /** The stored state; empty when the sandbox has a config but no state yet (or after a reboot). */
    Optional<SandboxRecord> readState(String sandboxId);

    boolean exists(String sandboxId);

    /** The ids of every sandbox that has a config, sorted; entries that are not valid ids are skipped. */
    List<String> list();

    /**
     * Removes what a process that died creating a sandbox left: directories of a sandbox that has no config,
     * when no one holds its lock (a create under way holds it). Returns their ids.
     */
    default List<String> removeIncomplete() {
        return List.of();
    }

    /**
     * Removes the sandbox's run and config directories and everything in them, unmounting first whatever is
     * mounted under them (its shared directory, its containers' rootfs). Idempotent.
     */
    void delete(String sandboxId);

    // Containers: under the sandbox's directories, written while the caller holds the sandbox's exclusive lock.

    /** Writes a container's config; fails with AlreadyExists when the sandbox has a container of that id. */
    void createContainerConfig(String sandboxId, ContainerConfig config);

    ContainerConfig readContainerConfig(String sandboxId, String containerId);

    void writeContainerState(String sandboxId, ContainerRecord record);

    /** The stored state; empty when the container has a config but no state (after a reboot). */
    Optional<ContainerRecord> readContainerState(String sandboxId, String containerId);

    /** The ids of the sandbox's containers that have a config, sorted. */
    List<String> listContainers(String sandboxId);

    /**
     * Removes the container's run and config directories, and its directory in the shared directory with its
     * rootfs and bound directories (unmounted, deepest first, lazily when busy). Idempotent.
     */
    void deleteContainer(String sandboxId, String containerId);

    // The shared directory: one per sandbox, in its run directory, which its VM exports to the guest from boot on.

    /**
     * The sandbox's shared directory, made when missing. Where this process may mount, the guest gets it
     * read-only (it cannot change where the host mounts), with each container's rootfs and bound directories
     * mounted in it.
     */
    Path sharedDir(String sandboxId);

    /**
     * Bind-mounts the directory {@code rootfs} at {@code <containerId>/rootfs} in the shared directory, read-only
     * or not as {@code access} says (a bind already there stays), so that the guest sees it through the share.
     * Returns false, leaving nothing behind, when this process may not mount (bind mounts need root).
     */
    boolean shareRootfs(String sandboxId, String containerId, Path rootfs, Rootfs.Access access);

    /**
     * Bind-mounts the host directory {@code dir} of the container's bind mount number {@code index} (its place in
     * the container's mounts) at {@code <containerId>/mounts/<index>} in the shared directory, as
     * {@link #shareRootfs} does the rootfs, and leaves with it.
     */
    boolean shareMount(String sandboxId, String containerId, int index, Path dir, Rootfs.Access access);

    /**
     * What is mounted under the run root, by sandbox: the ids of the containers with a rootfs or bound directory
     * mounted (empty when only the shared directory is). {@link #deleteContainer} and {@link #delete} unmount them; this finds
     * those a crash left behind.
     */
    Map<String, Set<String>> mountsBySandbox();
}
