package dev.vc4j.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/** The few libc calls the JDK does not offer: flock(2) on a raw descriptor, mount(2), umount2(2) and geteuid(2). */
final class LibC {
    static final int O_RDWR = 0x2;
    static final int O_CREAT = 0x40;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;
    static final int EWOULDBLOCK = 11;
    static final int EINTR = 4;

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {}

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int geteuid();

    static native int flock(int fd, int operation) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int mount(String source, String target, String fsType, long flags, String data)
            throws LastErrorException;

    static native int umount2(String target, int flags) throws LastErrorException;
}
