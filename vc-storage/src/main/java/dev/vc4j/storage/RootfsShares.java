package dev.vc4j.storage;

import dev.vc4j.SandboxIds;
import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Each sandbox's shared directory and the containers' directories mounted in it, in the sandbox's run directory:
 * <pre>
 *   mounts/                      the directory itself, in which the host makes {@code <cid>/rootfs} and
 *                                {@code <cid>/mounts/<i>} for each container
 *   shared/                      mounts/, bound read-only: the VM exports it, so the guest cannot change where the
 *                                host mounts (a symbolic link it planted there would take a mount anywhere)
 *   shared/&lt;cid&gt;/rootfs          the container's rootfs, bound (read-only when asked)
 *   shared/&lt;cid&gt;/mounts/&lt;i&gt;      the host directory of the container's bind mount {@code i}, bound likewise
 *   staging-*                    a read-only bind of a source while it is bound into shared/
 * </pre>
 * {@code shared/} is a shared mount, so the binds made in it reach QEMU's mount namespace, which is made when the
 * VM starts; a read-only one is bound from a read-only staging bind, because a remount to read-only does not
 * propagate and a bind of a read-only mount is read-only in every copy.
 * Files are removed through {@code mounts/} only: a directory is mounted on {@code shared/}'s view of its
 * directory, so a removal never reaches into it. Where this process may not mount, {@code shared/} is a plain
 * directory and nothing is shared.
 */
final class RootfsShares {
    private static final String SHARED = "shared";
    private static final String MOUNTS = "mounts";
    static final String ROOTFS = "rootfs";

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
        BindMount bind = new BindMount(calls, real.resolve(SHARED));
        if (table.isMountPoint(real.resolve(SHARED)) || bind.make(real.resolve(MOUNTS), true)) { // false: stays plain
            bind.propagate();
        }
        return shared;
    }

    /** The name in a container's directory of the host directory of its bind mount {@code index}. */
    static String mountName(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a mount's index is not negative: " + index);
        }
        return MOUNTS + "/" + index;
    }

    /**
     * Binds the directory {@code source} at {@code shared/<cid>/<name>} ({@link #ROOTFS} or a {@link #mountName});
     * one bound there already (for an earlier VM of the sandbox) stays. False, leaving nothing, when this process
     * may not mount, or could not when the shared directory was made.
     */
    boolean share(Path runDir, String containerId, String name, Path source, boolean readOnly) {
        Optional<Path> real = realPath(runDir);
        if (real.isEmpty() || !table.isMountPoint(real.get().resolve(SHARED))) {
            return false;
        }
        Path target = real.get().resolve(SHARED).resolve(containerId).resolve(name);
        if (table.isMountPoint(target)) {
            return true;
        }
        Path containerDir = real.get().resolve(MOUNTS).resolve(containerId);
        Path dir = containerDir.resolve(name);
        AtomicFiles.createDirectories(dir);
        boolean made = false;
        try {
            made = readOnly
                    ? bindReadOnly(real.get(), source, target)
                    : new BindMount(calls, target).make(source, false);
        } finally {
            if (!made) {
                removeEmptied(containerDir, dir);
            }
        }
        return made;
    }

    /** Binds {@code source} read-only at {@code target} through a staging bind in {@code runDir}, which goes. */
    private boolean bindReadOnly(Path runDir, Path source, Path target) {
        Path staging;
        try {
            staging = Files.createTempDirectory(runDir, "staging-");
        } catch (IOException e) {
            throw new StorageException("cannot make a staging directory in", runDir, e);
        }
        BindMount stage = new BindMount(calls, staging);
        boolean staged = false;
        try {
            staged = stage.make(source, true);
            return staged && new BindMount(calls, target).make(staging, false);
        } finally {
            if (staged) {
                stage.remove();
            }
            try {
                Files.delete(staging); // never a walk: a bind that failed to go would lead into the source
            } catch (IOException e) {
                throw new StorageException("cannot remove", staging, e);
            }
        }
    }

    /** Removes {@code dir}, then its parents up to {@code top} while they are empty: the container's other shares stay. */
    private static void removeEmptied(Path top, Path dir) {
        AtomicFiles.deleteTree(dir);
        for (Path parent = dir.getParent(); parent.startsWith(top); parent = parent.getParent()) {
            try {
                Files.delete(parent);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                throw new StorageException("cannot remove", parent, e);
            }
        }
    }

    /** Unmounts the container's shared directories, deepest first, and removes its directory. */
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
     * By sandbox id, under {@code runRoot}: the containers with anything mounted in their directory of the shared
     * directory (an empty set where only the shared directory is). Names that are not valid ids are not ours.
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
            if (in.getNameCount() > 3
                    && in.getName(1).toString().equals(SHARED)
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
