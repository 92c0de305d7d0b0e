package dev.vc4j.storage;

import com.sun.jna.LastErrorException;

/**
 * mount(2) and umount2(2) as {@link BindMount} uses them, failing with a {@link LastErrorException} that
 * carries errno: an interface, so that a test can stand in for a host that refuses them (not root: EPERM).
 */
interface MountCalls {
    MountCalls LINUX = new MountCalls() {
        @Override
        public void mount(String source, String target, long flags) {
            LibC.mount(source, target, null, flags, null);
        }

        @Override
        public void unmount(String target, int flags) {
            LibC.umount2(target, flags);
        }
    };

    /** mount(2) without a file system type or data: binds, remounts, propagation changes. */
    void mount(String source, String target, long flags);

    /** umount2(2). */
    void unmount(String target, int flags);
}
