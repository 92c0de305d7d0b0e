package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The libc calls an AF_VSOCK stream socket needs, which the JDK does not offer, and the address layout.
 * Linux on 64-bit only (size_t and ssize_t as Java long), as the rest of vc4j.
 */
final class VsockNative {
    static final int AF_VSOCK = 40;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int O_NONBLOCK = 0x800;
    static final int SHUT_RDWR = 2;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    /** struct pollfd: int fd, short events, short revents. */
    static final int POLLFD_SIZE = 8;
    /** sizeof(struct sockaddr_vm) from linux/vm_sockets.h. */
    static final int SOCKADDR_VM_SIZE = 16;

    static final int EINTR = 4;
    static final int EINPROGRESS = 115;

    static {
        Native.register(VsockNative.class, "c");
    }

    private VsockNative() {
    }

    /**
     * struct sockaddr_vm in native byte order: {@code svm_family} (u16), {@code svm_reserved1} (u16),
     * {@code svm_port} (u32), {@code svm_cid} (u32), {@code svm_flags} (u8), then zero padding to 16 bytes.
     */
    static byte[] sockaddrVm(long cid, int port) {
        return ByteBuffer.allocate(SOCKADDR_VM_SIZE).order(ByteOrder.nativeOrder())
                .putShort((short) AF_VSOCK)
                .putShort((short) 0)
                .putInt(port)
                .putInt((int) cid)
                .put((byte) 0)
                .array();
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, int[] value, int[] length) throws LastErrorException;

    static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

    static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
