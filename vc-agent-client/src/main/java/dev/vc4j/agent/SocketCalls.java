package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The libc socket calls under {@link AgentSocket}, mapped directly through JNA. A call that fails throws
 * {@link LastErrorException} with its errno. The constants and types are those of Linux on a 64-bit CPU (x86_64,
 * aarch64), where C's long, size_t, ssize_t and time_t are Java's long.
 */
final class SocketCalls {
    static final int AF_UNIX = 1;
    static final int AF_VSOCK = 40;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_SNDTIMEO = 21;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int O_NONBLOCK = 0x800;
    static final short POLLOUT = 4;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    static final int EINPROGRESS = 115;
    /** sizeof(sun_path) in struct sockaddr_un: the path and its terminating NUL. */
    static final int SUN_PATH_SIZE = 108;

    static {
        Native.register(SocketCalls.class, "c");
    }

    private SocketCalls() {}

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    /** {@code fds}: struct pollfd entries, see {@link #pollFd}. */
    static native int poll(byte[] fds, long count, int timeoutMillis) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, int[] value, int[] length) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    static native long send(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

    static native long read(int fd, Pointer buffer, long length) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** struct sockaddr_un for a path of {@code path.length} bytes (at most {@code SUN_PATH_SIZE - 1}). */
    static byte[] sockaddrUn(byte[] path) {
        ByteBuffer b = ByteBuffer.allocate(2 + path.length + 1).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX).put(path).put((byte) 0);
        return b.array();
    }

    /** struct sockaddr_vm: family, reserved, port, cid, then zeros; CID and port are unsigned 32-bit. */
    static byte[] sockaddrVm(long cid, int port) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_VSOCK).putShort((short) 0).putInt(port).putInt((int) cid);
        return b.array();
    }

    /** One struct pollfd: the descriptor and the events waited for; poll writes what happened after them. */
    static byte[] pollFd(int fd, short events) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.nativeOrder())
                .putInt(fd)
                .putShort(events)
                .array();
    }

    /** struct timeval for SO_SNDTIMEO: seconds and microseconds, each a C long. */
    static byte[] timeval(long micros) {
        return ByteBuffer.allocate(16)
                .order(ByteOrder.nativeOrder())
                .putLong(micros / 1_000_000)
                .putLong(micros % 1_000_000)
                .array();
    }
}
