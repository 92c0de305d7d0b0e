package dev.vc4j.internal;

import dev.vc4j.NotFoundException;
import dev.vc4j.spi.SandboxStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Mounts that a crash left under the store's run root: the rootfs of a container whose files are gone, or every
 * mount of a sandbox whose config is gone (a delete that died half way). What an existing container or sandbox
 * mounted stays: a stopped sandbox's containers need their rootfs when it starts again.
 */
public final class LeftoverMounts {
    private LeftoverMounts() {}

    /** Unmounts and removes the leftovers; returns the ids of the sandboxes that had any. */
    public static List<String> reap(SandboxStore store) {
        List<String> reaped = new ArrayList<>();
        store.mountsBySandbox().forEach((id, containers) -> {
            if (store.exists(id) ? reapContainers(store, id, containers) : reapSandbox(store, id)) {
                reaped.add(id);
            }
        });
        return reaped;
    }

    /** Under the lock a creator takes: a sandbox created again meanwhile is its own, and stays. */
    private static boolean reapSandbox(SandboxStore store, String id) {
        try (var lock = store.lockNew(id)) {
            if (store.exists(id)) {
                return false;
            }
            store.delete(id);
            return true;
        }
    }

    /**
     * A container's config is written before its rootfs is mounted, and removed after it is unmounted: under the
     * lock, a mounted rootfs without a config is a leftover.
     */
    private static boolean reapContainers(SandboxStore store, String id, Set<String> mounted) {
        try (var lock = store.lock(id, true)) {
            List<String> known = store.listContainers(id);
            List<String> gone = mounted.stream().filter(c -> !known.contains(c)).toList();
            gone.forEach(c -> store.deleteContainer(id, c));
            return !gone.isEmpty();
        } catch (NotFoundException deletedMeanwhile) {
            return false; // and its delete unmounted everything
        }
    }
}
