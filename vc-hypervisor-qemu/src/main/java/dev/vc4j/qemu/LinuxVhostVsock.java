package dev.vc4j.qemu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.file.Path;

/** {@link VhostVsock} on Linux's /dev/vhost-vsock, through JNA. */
final class LinuxVhostVsock implements VhostVsock {
    static final Path DEVICE = Path.of("/dev/vhost-vsock");

    private static final int O_RDWR = 0x2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EADDRINUSE = 98;
    /** _IOW(VHOST_VIRTIO = 0xAF, 0x60, __u64) from linux/vhost.h. */
    private static final NativeLong VHOST_VSOCK_SET_GUEST_CID = new NativeLong(0x4008AF60L);

    private final Path device;

    LinuxVhostVsock(Path device) {
        this.device = device;
    }

    @Override
    public Instance open() throws IOException {
        try {
            int fd = Libc.open(device.toString(), O_RDWR | O_CLOEXEC);
            return new FdInstance(fd);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + device + ": " + e.getMessage(), e);
        }
    }

    private final class FdInstance implements Instance {
        private final int fd;

        FdInstance(int fd) {
            this.fd = fd;
        }

        @Override
        public boolean claim(long cid) throws IOException {
            try {
                Libc.ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, new long[] {cid});
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EADDRINUSE) {
                    return false;
                }
                throw new IOException("VHOST_VSOCK_SET_GUEST_CID " + cid + " on " + device + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                Libc.close(fd);
            } catch (LastErrorException e) {
                // the descriptor is released whatever close reports
            }
        }
    }

    private static final class Libc {
        static {
            Native.register(Libc.class, "c");
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int ioctl(int fd, NativeLong request, long[] argument) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
