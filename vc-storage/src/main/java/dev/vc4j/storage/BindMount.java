package dev.vc4j.storage;

import com.sun.jna.LastErrorException;
import dev.vc4j.StorageException;

import java.nio.file.Path;

/**
 * One bind mount that this store makes at {@code target}: where it is made and taken away. It is made private,
 * so that nothing mounted elsewhere reaches it; its own creation and removal follow its parent's propagation
 * alike. The shared directory is then made a shared mount of a peer group of its own ({@link #propagate}), so
 * that what is mounted under it later (a container's rootfs) also reaches the mount namespace of the QEMU that
 * serves it.
 */
final class BindMount {
    static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;
    private static final long MS_RDONLY = 1;
    private static final long MS_REMOUNT = 32;
    private static final long MS_BIND = 4096;
    private static final long MS_PRIVATE = 1L << 18;
    private static final long MS_SHARED = 1L << 20;
    private static final int MNT_DETACH = 2;
    private static final int UMOUNT_NOFOLLOW = 8;

    private final MountCalls calls;
    private final Path target;

    BindMount(MountCalls calls, Path target) {
        this.calls = calls;
        this.target = target;
    }

    /**
     * Binds the directory {@code source} at the target, read-only when asked. Returns false, with nothing
     * mounted, when this process may not mount (EPERM: bind mounts need root).
     */
    boolean make(Path source, boolean readOnly) {
        try {
            calls.mount(source.toString(), target.toString(), MS_BIND);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EPERM) {
                return false;
            }
            throw new StorageException("cannot bind-mount " + source + " at", target, e);
        }
        try {
            calls.mount(null, target.toString(), MS_PRIVATE);
            if (readOnly) { // a bind takes its source's flags: read-only only by a remount of the bind itself
                calls.mount(null, target.toString(), MS_BIND | MS_REMOUNT | MS_RDONLY);
            }
        } catch (LastErrorException e) {
            StorageException failed =
                    new StorageException("cannot make private or read-only the bind mount at", target, e);
            try {
                remove();
            } catch (StorageException undo) {
                failed.addSuppressed(undo);
            }
            throw failed;
        }
        return true;
    }

    /**
     * Makes the mount at the target shared: the mounts and unmounts made under it later propagate to the copies
     * of it in other mount namespaces (QEMU's is a slave of the host's). Setting it again changes nothing.
     */
    void propagate() {
        try {
            calls.mount(null, target.toString(), MS_SHARED);
        } catch (LastErrorException e) {
            throw new StorageException("cannot make shared the mount at", target, e);
        }
    }

    /**
     * Unmounts the topmost mount at the target; detached when busy (QEMU may hold files in it open), which takes
     * it out of the tree at once and frees it once the last file closes. Nothing when nothing is mounted there.
     */
    void remove() {
        try {
            calls.unmount(target.toString(), UMOUNT_NOFOLLOW);
        } catch (LastErrorException e) {
            switch (e.getErrorCode()) {
                case EINVAL, ENOENT -> {} // not a mount point (anymore)
                case EBUSY -> detach();
                default -> throw new StorageException("cannot unmount", target, e);
            }
        }
    }

    private void detach() {
        try {
            calls.unmount(target.toString(), MNT_DETACH | UMOUNT_NOFOLLOW);
        } catch (LastErrorException e) {
            throw new StorageException("cannot detach the busy mount", target, e);
        }
    }
}
