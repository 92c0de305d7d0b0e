package dev.vc4j.storage;

import com.sun.jna.LastErrorException;
import dev.vc4j.StorageException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.SandboxLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A flock(2) lock on a sandbox's lock file, held through one descriptor that this object owns.
 * flock, not FileChannel.lock: the JDK's lock throws inside one JVM when two threads want the same file,
 * and is silently dropped when any other channel on the file closes.
 */
final class SandboxFileLock implements SandboxLock {
    /**
     * flock has no queue and is polled, so a thread can lose every race to its neighbours for as long as
     * they keep coming (seen in the concurrency test: threads with one call in 30 s). Threads of this JVM
     * therefore line up first in a fair read-write lock per lock file; only the head of that line polls
     * flock. The flock alone still excludes: this line only orders the threads of one JVM.
     */
    private static final Map<Path, ReentrantReadWriteLock> LINES = new ConcurrentHashMap<>();

    private final Path file;
    private final boolean exclusive;
    private final Lock line;
    private int fd;

    private SandboxFileLock(Path file, boolean exclusive, Lock line, int fd) {
        this.file = file;
        this.exclusive = exclusive;
        this.line = line;
        this.fd = fd;
    }

    /**
     * Opens (creating) and locks {@code file}, polling so that the wait has a deadline. Returns null when
     * the file was unlinked while we waited (its sandbox was deleted): the caller decides what that means.
     */
    static SandboxFileLock acquire(Path file, boolean exclusive, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // opened before the wait: a deletion meanwhile then shows as an unlinked descriptor, not as ENOENT
        int fd = open(file);
        try {
            Lock line = enterLine(file, exclusive, timeout);
            try {
                waitFor(
                        fd,
                        file,
                        exclusive ? LibC.LOCK_EX : LibC.LOCK_SH,
                        Duration.ofNanos(deadline - System.nanoTime()));
                if (unlinked(fd)) {
                    LibC.close(fd);
                    line.unlock();
                    return null;
                }
                return new SandboxFileLock(file, exclusive, line, fd);
            } catch (RuntimeException e) {
                line.unlock();
                throw e;
            }
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** Forgets the line of a deleted sandbox's lock file; a thread still in it is only ordered less well. */
    static void forget(Path file) {
        LINES.remove(file);
    }

    private static Lock enterLine(Path file, boolean exclusive, Duration timeout) {
        ReentrantReadWriteLock rw = LINES.computeIfAbsent(file, f -> new ReentrantReadWriteLock(true));
        Lock line = exclusive ? rw.writeLock() : rw.readLock();
        try {
            if (!line.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new VcTimeoutException("waiting for the lock " + file, timeout, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VcTimeoutException("waiting for a sandbox lock (interrupted)", Duration.ZERO, e);
        }
        return line;
    }

    private static int open(Path file) {
        try {
            // never through a symbolic link: whoever planted one would have us create or lock a file of their choice
            return LibC.open(file.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0600);
        } catch (LastErrorException e) {
            throw new StorageException("cannot open lock file", file, e);
        }
    }

    private static void waitFor(int fd, Path file, int mode, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleepMillis = 1;
        while (true) {
            try {
                LibC.flock(fd, mode | LibC.LOCK_NB);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EWOULDBLOCK && e.getErrorCode() != LibC.EINTR) {
                    throw new StorageException("cannot lock", file, e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new VcTimeoutException("waiting for the lock " + file, timeout, null);
            }
            sleep(sleepMillis);
            sleepMillis = Math.min(sleepMillis * 2, 20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VcTimeoutException("waiting for a sandbox lock (interrupted)", Duration.ZERO, e);
        }
    }

    /** Whether the locked inode is no longer the file's: the kernel marks such a descriptor "(deleted)". */
    private static boolean unlinked(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd))
                    .toString()
                    .endsWith(" (deleted)");
        } catch (IOException e) {
            throw new StorageException("cannot inspect lock descriptor", Path.of("/proc/self/fd/" + fd), e);
        }
    }

    @Override
    public boolean exclusive() {
        return exclusive;
    }

    /**
     * Closing the descriptor releases the flock (an explicit unlock would be redundant), then the next
     * thread of this JVM in line may go. Called by the thread that acquired the lock.
     */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                throw new StorageException("cannot close lock file", file, e);
            } finally {
                fd = -1;
                line.unlock();
            }
        }
    }
}
