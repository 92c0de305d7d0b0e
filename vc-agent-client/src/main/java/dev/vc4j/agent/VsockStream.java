package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A connected AF_VSOCK socket, read by one thread and written by another. close() first shuts the socket down,
 * which wakes both, and releases the descriptor only once neither is inside a call: a descriptor closed
 * under a blocked read could be reused by the time that thread calls again.
 */
final class VsockStream implements AgentStream {
    private static final int CHUNK = 64 * 1024;
    private static final long POLL_SLICE_MILLIS = 100;

    private final int fd;
    private final String address;
    /** Calls hold the read lock (two may run at once); close takes the write lock to release the descriptor. */
    private final ReadWriteLock inUse = new ReentrantReadWriteLock();
    private final Memory readBuffer = new Memory(CHUNK);
    private final Memory writeBuffer = new Memory(CHUNK);
    private final Memory pollFd = new Memory(VsockNative.POLLFD_SIZE);
    /** Cleared by the one close() that closes the descriptor: two closers must not close a reused number. */
    private final AtomicBoolean open = new AtomicBoolean(true);

    VsockStream(int fd, String address) {
        this.fd = fd;
        this.address = address;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        enter();
        try {
            long n = VsockNative.read(fd, readBuffer, Math.min(dst.remaining(), CHUNK));
            if (n == 0) {
                return -1;
            }
            dst.put(readBuffer.getByteArray(0, (int) n));
            return (int) n;
        } catch (LastErrorException e) {
            throw failure("read from", e);
        } finally {
            inUse.readLock().unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while reading from " + address);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            enter();
            try {
                if (!poll(pollFd, fd, VsockNative.POLLIN, Math.min(POLL_SLICE_MILLIS, Math.max(1, left / 1_000_000)))) {
                    continue;
                }
            } finally {
                inUse.readLock().unlock();
            }
            return read(dst);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        enter();
        try {
            int n = Math.min(src.remaining(), CHUNK);
            byte[] bytes = new byte[n];
            src.get(bytes);
            writeBuffer.write(0, bytes, 0, n);
            long written = VsockNative.write(fd, writeBuffer, n);
            // what the kernel did not take goes back to the caller's buffer
            src.position(src.position() - n + (int) written);
            return (int) written;
        } catch (LastErrorException e) {
            throw failure("write to", e);
        } finally {
            inUse.readLock().unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        try {
            VsockNative.shutdown(fd, VsockNative.SHUT_RDWR);
        } catch (LastErrorException e) {
            // not connected any more: nothing to wake
        }
        inUse.writeLock().lock();
        try {
            closeQuietly(fd);
        } finally {
            inUse.writeLock().unlock();
        }
    }

    private void enter() throws ClosedChannelException {
        inUse.readLock().lock();
        if (!open.get()) {
            inUse.readLock().unlock();
            throw new ClosedChannelException();
        }
    }

    private IOException failure(String what, LastErrorException e) {
        return new IOException("cannot " + what + " " + address + " (" + VsockErrors.name(e.getErrorCode()) + ")", e);
    }

    /** Whether {@code events} are ready on {@code fd} within {@code millis}; an interrupted poll counts as not. */
    static boolean poll(Memory pollFd, int fd, short events, long millis) {
        pollFd.setInt(0, fd);
        pollFd.setShort(4, events);
        pollFd.setShort(6, (short) 0);
        try {
            return VsockNative.poll(pollFd, 1, (int) millis) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == VsockNative.EINTR) {
                return false;
            }
            throw e;
        }
    }

    static void closeQuietly(int fd) {
        try {
            VsockNative.close(fd);
        } catch (LastErrorException e) {
            // the descriptor is released whatever close reports
        }
    }
}
