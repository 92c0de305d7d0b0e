package dev.vc4j.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The libc calls behind the console socket that the JDK does not offer: a pty pair, terminal window sizes, and
 * a unix socket message carrying a descriptor (SCM_RIGHTS). Layouts are Linux's (LP64: size_t is a long).
 */
final class PtyCalls {
    static final int O_RDWR = 0x2;
    static final int O_NOCTTY = 0x100;
    static final int O_CLOEXEC = 0x80000;
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDTIMEO = 21;
    static final int SCM_RIGHTS = 1;
    static final long TIOCGWINSZ = 0x5413;
    static final long TIOCSWINSZ = 0x5414;
    static final int TCSANOW = 0;
    /** Room for glibc's struct termios (60 bytes on Linux), rounded up. */
    static final int TERMIOS_SIZE = 64;

    static final int EINTR = 4;
    static final int EIO = 5;
    /** sun_path of struct sockaddr_un, its terminating NUL included. */
    static final int SUN_PATH_SIZE = 108;

    static {
        Native.register(PtyCalls.class, "c");
    }

    private PtyCalls() {}

    static native int posix_openpt(int flags) throws LastErrorException;

    static native int grantpt(int fd) throws LastErrorException;

    static native int unlockpt(int fd) throws LastErrorException;

    /** Returns 0 or an errno value: it does not set errno. */
    static native int ptsname_r(int fd, byte[] buf, NativeLong size);

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native NativeLong read(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    static native NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, WinSize size) throws LastErrorException;

    static native int tcgetattr(int fd, Pointer termios) throws LastErrorException;

    static native void cfmakeraw(Pointer termios);

    static native int tcsetattr(int fd, int when, Pointer termios) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int connect(int fd, Pointer address, int length) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

    static native NativeLong sendmsg(int fd, MsgHdr message, int flags) throws LastErrorException;

    /** struct winsize. */
    @Structure.FieldOrder({"row", "col", "xpixel", "ypixel"})
    public static final class WinSize extends Structure {
        public short row;
        public short col;
        public short xpixel;
        public short ypixel;
    }

    /** struct iovec. */
    @Structure.FieldOrder({"base", "length"})
    public static final class IoVec extends Structure {
        public Pointer base;
        public NativeLong length;
    }

    /** struct msghdr. */
    @Structure.FieldOrder({"name", "nameLength", "iov", "iovLength", "control", "controlLength", "flags"})
    public static final class MsgHdr extends Structure {
        public Pointer name;
        public int nameLength;
        public Pointer iov;
        public NativeLong iovLength;
        public Pointer control;
        public NativeLong controlLength;
        public int flags;
    }

    /** struct sockaddr_un for {@code path}; a path that does not fit is refused, naming it. */
    static Memory unixAddress(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("console socket path " + path + " is " + bytes.length
                    + " bytes long; a unix socket path holds at most " + (SUN_PATH_SIZE - 1));
        }
        Memory address = new Memory(2 + SUN_PATH_SIZE);
        address.clear();
        address.setShort(0, (short) AF_UNIX);
        address.write(2, bytes, 0, bytes.length);
        return address;
    }

    /** The size of struct cmsghdr: cmsg_len (size_t), cmsg_level and cmsg_type (ints). */
    static int cmsgHeaderSize() {
        return NativeLong.SIZE + 8;
    }

    /** CMSG_SPACE(sizeof(int)): the header and one descriptor, padded to size_t's alignment. */
    static int oneFdControlSize() {
        return cmsgHeaderSize() + NativeLong.SIZE;
    }

    /** A message of {@code payload} whose control buffer {@code control} has room for one descriptor. */
    static MsgHdr message(Memory payload, Memory control) {
        IoVec iov = new IoVec();
        iov.base = payload;
        iov.length = new NativeLong(payload.size());
        iov.write();
        MsgHdr message = new MsgHdr();
        message.iov = iov.getPointer();
        message.iovLength = new NativeLong(1);
        message.control = control;
        message.controlLength = new NativeLong(control.size());
        return message;
    }

    /** Closes {@code fd}, ignoring a failure: for descriptors released on an error path. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                close(fd);
            } catch (LastErrorException ignored) {
                // the error being reported matters more than a failed close of a descriptor we give up
            }
        }
    }
}
