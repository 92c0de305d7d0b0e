package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * The agent's vsock listener in a VM with a vhost-vsock device: an AF_VSOCK stream socket, connected without
 * blocking so that the wait has a deadline (the kernel's own connect timeout is 2 s and not ours to rely on).
 */
record VsockEndpoint(long cid, int port) implements AgentEndpoint {
    /** A close() of the relay interrupts the connecting thread; polls are sliced so that it is noticed soon. */
    private static final long POLL_SLICE_MILLIS = 100;

    @Override
    public AgentStream connect(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int fd = openSocket();
        try {
            startConnect(fd, timeout);
            awaitConnected(fd, deadline, timeout);
            // connected: reads and writes block from now on; VsockStream ends them with shutdown(2)
            VsockNative.fcntl(fd, VsockNative.F_SETFL,
                    VsockNative.fcntl(fd, VsockNative.F_GETFL, 0) & ~VsockNative.O_NONBLOCK);
            return new VsockStream(fd, toString());
        } catch (IOException | RuntimeException e) {
            VsockStream.closeQuietly(fd);
            throw e;
        }
    }

    @Override
    public void requireUsable() {
        VsockStream.closeQuietly(openSocket());
    }

    private int openSocket() {
        try {
            return VsockNative.socket(VsockNative.AF_VSOCK,
                    VsockNative.SOCK_STREAM | VsockNative.SOCK_NONBLOCK | VsockNative.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw VsockErrors.socketFailure(e.getErrorCode(), cid, port);
        }
    }

    private void startConnect(int fd, Duration timeout) {
        byte[] address = VsockNative.sockaddrVm(cid, port);
        try {
            VsockNative.connect(fd, address, address.length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != VsockNative.EINPROGRESS) {
                throw VsockErrors.connectFailure(e.getErrorCode(), cid, port, timeout);
            }
        }
    }

    /** Polls for writability until the deadline; SO_ERROR then tells how the connect ended. */
    private void awaitConnected(int fd, long deadline, Duration timeout) throws InterruptedIOException {
        Memory pollFd = new Memory(VsockNative.POLLFD_SIZE);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw VsockErrors.connectFailure(0, cid, port, timeout);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while connecting to " + this);
            }
            if (VsockStream.poll(pollFd, fd, VsockNative.POLLOUT, Math.min(POLL_SLICE_MILLIS, millisCeil(left)))) {
                int error = soError(fd);
                if (error != 0) {
                    throw VsockErrors.connectFailure(error, cid, port, timeout);
                }
                return;
            }
        }
    }

    private static int soError(int fd) {
        int[] value = new int[1];
        VsockNative.getsockopt(fd, VsockNative.SOL_SOCKET, VsockNative.SO_ERROR, value, new int[] {Integer.BYTES});
        return value[0];
    }

    private static long millisCeil(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }

    @Override
    public String toString() {
        return VsockErrors.address(cid, port);
    }
}
