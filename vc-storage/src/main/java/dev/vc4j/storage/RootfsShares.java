package dev.vc4j.storage;

import dev.vc4j.SandboxIds;
import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Each sandbox's shared directory and the containers' rootfs mounted in it, in the sandbox's run directory:
 * <pre>
 *   mounts/                 the directory itself, in which the host makes {@code <cid>/rootfs} for each container
 *   shared/                 mounts/, bound read-only: the VM exports it, so the guest cannot change where the
 *                           host mounts (a symbolic link it planted there would take a mount anywhere)
 *   shared/&lt;cid&gt;/rootfs     the container's rootfs, bound (read-only when asked)
 * </pre>
 * Files are removed through {@code mounts/} only: a rootfs is mounted on {@code shared/}'s view of its
 * directory, so a removal never reaches into it. Where this process may not mount, {@code shared/} is a plain
 * directory and no rootfs is shared.
 */
final class RootfsShares {
    private static final String SHARED = "shared";
    private static final String MOUNTS = "mounts";
    private static final String ROOTFS = "rootfs";

    private final MountCalls calls;
    private final MountTable table;

    RootfsShares(MountCalls calls, MountTable table) {
        this.calls = calls;
        this.table = table;
    }

    /** Makes the shared directory of the sandbox whose run directory is {@code runDir}, when it is missing. */
    Path sharedDir(Path runDir) {
        Path shared = runDir.resolve(SHARED);
        AtomicFiles.createDirectories(shared);
        AtomicFiles.createDirectories(runDir.resolve(MOUNTS));
        Path real = realPath(runDir).orElseThrow();
        if (!table.isMountPoint(real.resolve(SHARED))) {
            new BindMount(calls, real.resolve(SHARED)).make(real.resolve(MOUNTS), true); // false: stays plain
        }
        return shared;
    }

    /**
     * Binds {@code rootfs} at {@code shared/<cid>/rootfs}; one bound there already (for an earlier VM of the
     * sandbox) stays. False, leaving nothing, when this process may not mount, or could not when the shared
     * directory was made.
     */
    boolean share(Path runDir, String containerId, Path rootfs, boolean readOnly) {
        Optional<Path> real = realPath(runDir);
        if (real.isEmpty() || !table.isMountPoint(real.get().resolve(SHARED))) {
            return false;
        }
        Path target = real.get().resolve(SHARED).resolve(containerId).resolve(ROOTFS);
        if (table.isMountPoint(target)) {
            return true;
        }
        Path dir = real.get().resolve(MOUNTS).resolve(containerId);
        AtomicFiles.createDirectories(dir.resolve(ROOTFS));
        boolean made = false;
        try {
            made = new BindMount(calls, target).make(rootfs, readOnly);
        } finally {
            if (!made) {
                AtomicFiles.deleteTree(dir);
            }
        }
        return made;
    }

    /** Unmounts the container's rootfs and removes its directory. */
    void unshare(Path runDir, String containerId) {
        Optional<Path> real = realPath(runDir);
        if (real.isPresent()) {
            unmountUnder(real.get().resolve(SHARED).resolve(containerId));
            AtomicFiles.deleteTree(real.get().resolve(MOUNTS).resolve(containerId));
        }
    }

    /** Unmounts everything under the run directory, innermost first, so that it can be removed. */
    void unmountAll(Path runDir) {
        realPath(runDir).ifPresent(this::unmountUnder);
    }

    /** {@code dir} is a real path. */
    private void unmountUnder(Path dir) {
        for (Path point : table.under(dir)) {
            new BindMount(calls, point).remove();
        }
        if (!table.under(dir).isEmpty()) { // mounted again meanwhile: removing the files would reach into it
            throw new StorageException("something is still mounted under", dir, null);
        }
    }

    /**
     * By sandbox id, under {@code runRoot}: the containers with a rootfs mounted (an empty set where only the
     * shared directory is). Names that are not valid ids are not ours.
     */
    Map<String, Set<String>> mountsBySandbox(Path runRoot) {
        Map<String, Set<String>> bySandbox = new TreeMap<>();
        Optional<Path> real = realPath(runRoot);
        if (real.isEmpty()) {
            return bySandbox;
        }
        Path sandboxes = real.get().resolve("sbs");
        for (Path point : table.under(sandboxes)) {
            Path in = sandboxes.relativize(point);
            String id = in.getName(0).toString();
            if (!SandboxIds.isValid(id)) {
                continue;
            }
            Set<String> containers = bySandbox.computeIfAbsent(id, k -> new TreeSet<>());
            if (in.getNameCount() == 4
                    && in.getName(1).toString().equals(SHARED)
                    && in.getName(3).toString().equals(ROOTFS)
                    && SandboxIds.isValid(in.getName(2).toString())) {
                containers.add(in.getName(2).toString());
            }
        }
        return bySandbox;
    }

    /**
     * The kernel lists real paths; under a directory of the store's own making, the rest of a path is written
     * by the store. Empty when the directory is gone.
     */
    private static Optional<Path> realPath(Path dir) {
        try {
            return Optional.of(dir.toRealPath());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot resolve", dir, e);
        }
    }
}
