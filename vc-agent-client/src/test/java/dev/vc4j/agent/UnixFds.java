package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Raw AF_UNIX socket descriptors for tests: what {@link VsockStream} does on a descriptor is the same for any
 * stream socket, so a unix socket lets its reads, writes and close be tested where no vsock peer can exist.
 */
final class UnixFds {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH = 108;

    static {
        Native.register(UnixFds.class, "c");
    }

    private UnixFds() {
    }

    /** Two connected descriptors. */
    static int[] pair() {
        int[] fds = new int[2];
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
        return fds;
    }

    /** A descriptor connected to the unix socket at {@code path}. */
    static int connect(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        byte[] address = ByteBuffer.allocate(2 + SUN_PATH).order(ByteOrder.nativeOrder())
                .putShort((short) AF_UNIX).put(name).array();
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        try {
            connect(fd, address, address.length);
            return fd;
        } catch (LastErrorException e) {
            VsockStream.closeQuietly(fd);
            throw e;
        }
    }

    private static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int connect(int fd, byte[] address, int length) throws LastErrorException;
}
