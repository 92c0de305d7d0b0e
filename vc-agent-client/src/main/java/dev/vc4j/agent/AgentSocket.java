package dev.vc4j.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.vc4j.AgentException;
import dev.vc4j.VcException;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import static dev.vc4j.agent.SocketCalls.EINTR;

/**
 * One connected stream socket to the agent (a unix socket or AF_VSOCK), on a descriptor of its own, in blocking
 * mode. Reads and writes copy through native buffers of this socket: one read and one write may run at the same
 * time on different threads, but concurrent reads, and concurrent writes, are the caller's to serialize.
 * {@link #close()} may come from any thread at any time, also while a read or write is blocked: it wakes them.
 */
final class AgentSocket implements AutoCloseable {
    private static final int BUFFER_SIZE = 64 * 1024;
    /** File names as the JDK passes them to the kernel. */
    private static final Charset PATH_CHARSET = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final String peer;
    private final Memory readBuffer = new Memory(BUFFER_SIZE);
    private final Memory writeBuffer = new Memory(BUFFER_SIZE);
    private final SharedDescriptor descriptor;

    private AgentSocket(int fd, String peer) {
        this.peer = peer;
        this.descriptor = new SharedDescriptor(fd, AgentSocket::shutdown, this::release);
    }

    /** What a failed socket(2) or connect(2) means to the user, naming the peer; errno 0: the deadline passed. */
    @FunctionalInterface
    private interface Failure {
        VcException of(int errno, Throwable cause);
    }

    /**
     * One connect to the unix socket {@code socket}, by {@code deadlineNanos} (a {@link System#nanoTime()} value).
     * A listener whose backlog is full (QEMU's chardev takes one client at a time) fails at once with EAGAIN.
     *
     * @throws AgentException naming the socket and the errno (no such socket, nobody listening, ...), or an overlong
     *     path, before any call
     * @throws dev.vc4j.VcTimeoutException when the deadline passed first
     */
    static AgentSocket connectUnix(Path socket, long deadlineNanos) {
        byte[] address = SocketCalls.sockaddrUn(unixPath(socket));
        Duration timeout = timeLeft(deadlineNanos);
        Failure failure = (errno, cause) -> ConnectErrors.unixConnectFailure(errno, socket.toString(), timeout, cause);
        return connect(socket.toString(), SocketCalls.AF_UNIX, address, deadlineNanos, failure, failure);
    }

    /**
     * One connect to port {@code port} of the VM with CID {@code cid}, waited for until {@code deadlineNanos} (a
     * {@link System#nanoTime()} value), not the kernel's own 2 s vsock connect timeout.
     *
     * @throws AgentException naming cid and port: no AF_VSOCK on this host, nothing listening, no transport to the
     *     CID
     * @throws dev.vc4j.VcTimeoutException when the deadline passed first (or the kernel's connect timeout)
     */
    static AgentSocket connectVsock(long cid, int port, long deadlineNanos) {
        Duration timeout = timeLeft(deadlineNanos);
        return connect(
                ConnectErrors.vsockAddress(cid, port),
                SocketCalls.AF_VSOCK,
                SocketCalls.sockaddrVm(cid, port),
                deadlineNanos,
                (errno, cause) -> ConnectErrors.vsockSocketFailure(errno, cid, port, cause),
                (errno, cause) -> ConnectErrors.vsockConnectFailure(errno, cid, port, timeout, cause));
    }

    /** Creates and closes one AF_VSOCK socket: a host without vsock fails here, with the reason, naming cid and port. */
    static void requireVsock(long cid, int port) {
        int fd = socket(
                SocketCalls.AF_VSOCK, 0, (errno, cause) -> ConnectErrors.vsockSocketFailure(errno, cid, port, cause));
        closeDescriptor(fd);
    }

    /**
     * The path as sockaddr_un holds it: at most {@code SUN_PATH_SIZE - 1} bytes, then its NUL.
     *
     * @throws AgentException naming the path and the limit
     */
    static byte[] unixPath(Path socket) {
        byte[] path = socket.toString().getBytes(PATH_CHARSET);
        int max = SocketCalls.SUN_PATH_SIZE - 1;
        if (path.length > max) {
            throw new AgentException(
                    "connect",
                    "cannot connect to " + socket + ": the path is " + path.length
                            + " bytes long, a unix socket's path has at most " + max + " bytes",
                    null);
        }
        return path;
    }

    private static AgentSocket connect(
            String peer,
            int family,
            byte[] address,
            long deadlineNanos,
            Failure socketFailure,
            Failure connectFailure) {
        int fd = socket(family, SocketCalls.SOCK_NONBLOCK, socketFailure);
        boolean connected = false;
        try {
            try {
                SocketCalls.connect(fd, address, address.length);
            } catch (LastErrorException e) {
                // interrupted, a non-blocking connect goes on as if it were in progress
                if (e.getErrorCode() != SocketCalls.EINPROGRESS && e.getErrorCode() != EINTR) {
                    throw connectFailure.of(e.getErrorCode(), e);
                }
                awaitConnected(fd, deadlineNanos, connectFailure);
            }
            try {
                int flags = SocketCalls.fcntl(fd, SocketCalls.F_GETFL, 0);
                SocketCalls.fcntl(fd, SocketCalls.F_SETFL, flags & ~SocketCalls.O_NONBLOCK);
            } catch (LastErrorException e) {
                throw connectFailure.of(e.getErrorCode(), e);
            }
            connected = true;
            return new AgentSocket(fd, peer);
        } finally {
            if (!connected) {
                closeDescriptor(fd);
            }
        }
    }

    private static int socket(int family, int flags, Failure failure) {
        try {
            return SocketCalls.socket(family, SocketCalls.SOCK_STREAM | SocketCalls.SOCK_CLOEXEC | flags, 0);
        } catch (LastErrorException e) {
            throw failure.of(e.getErrorCode(), e);
        }
    }

    /** Waits for writability, which ends a connect in progress, then reads its outcome from SO_ERROR. */
    private static void awaitConnected(int fd, long deadlineNanos, Failure failure) {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw failure.of(0, null);
            }
            int millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
            try {
                if (SocketCalls.poll(SocketCalls.pollFd(fd, SocketCalls.POLLOUT), 1, millis) == 0) {
                    continue;
                }
                int[] error = {0};
                SocketCalls.getsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_ERROR, error, new int[] {4});
                if (error[0] != 0) {
                    throw failure.of(error[0], new LastErrorException(error[0]));
                }
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw failure.of(e.getErrorCode(), e);
                }
            }
        }
    }

    /**
     * Blocks until at least one byte came, and returns how many (at most {@code len}).
     *
     * @return -1 at the end of the stream, and once {@link #close()} was called
     * @throws IOException naming the errno (e.g. ECONNRESET)
     */
    int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int fd = descriptor.enter();
        if (fd < 0) {
            return -1;
        }
        try {
            while (true) {
                long n;
                try {
                    n = SocketCalls.read(fd, readBuffer, Math.min(len, BUFFER_SIZE));
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == EINTR) {
                        continue;
                    }
                    if (descriptor.isClosed()) {
                        return -1;
                    }
                    throw new IOException(
                            "cannot read from " + peer + " (" + ConnectErrors.name(e.getErrorCode()) + ")", e);
                }
                if (n == 0) {
                    return -1;
                }
                readBuffer.read(0, b, off, (int) n);
                return (int) n;
            }
        } finally {
            descriptor.leave();
        }
    }

    /**
     * Writes all {@code len} bytes, blocking at most until {@code deadlineNanos} (a {@link System#nanoTime()} value):
     * a peer that stops reading cannot hold the caller longer.
     *
     * @throws SocketTimeoutException when the deadline passed, saying how many of the bytes went out
     * @throws IOException when the socket was closed, or the peer is gone (naming the errno, e.g. EPIPE)
     */
    void write(byte[] b, int off, int len, long deadlineNanos) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int fd = descriptor.enter();
        if (fd < 0) {
            throw new IOException("cannot write to " + peer + ": the socket was closed");
        }
        try {
            int written = 0;
            while (written < len) {
                int chunk = Math.min(len - written, BUFFER_SIZE);
                writeBuffer.write(0, b, off + written, chunk);
                int sent = 0;
                while (sent < chunk) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("write to " + peer + " did not finish by its deadline: "
                                + (written + sent) + " of " + len + " bytes went out");
                    }
                    try {
                        // a timeval of 0 would mean no timeout at all
                        byte[] timeout = SocketCalls.timeval(Math.max(1, (left + 999) / 1000));
                        SocketCalls.setsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_SNDTIMEO, timeout, 16);
                        sent += (int)
                                SocketCalls.send(fd, writeBuffer.share(sent), chunk - sent, SocketCalls.MSG_NOSIGNAL);
                    } catch (LastErrorException e) {
                        // EAGAIN: SO_SNDTIMEO ran out, the deadline is checked above
                        if (e.getErrorCode() != EINTR && e.getErrorCode() != ConnectErrors.EAGAIN) {
                            throw writeFailure(e, written + sent, len);
                        }
                    }
                }
                written += chunk;
            }
        } finally {
            descriptor.leave();
        }
    }

    private IOException writeFailure(LastErrorException e, int written, int len) {
        String what = descriptor.isClosed()
                ? "the socket was closed"
                : "the connection is gone (" + ConnectErrors.name(e.getErrorCode()) + ")";
        return new IOException(
                "cannot write to " + peer + ": " + what + ", " + written + " of " + len + " bytes went out", e);
    }

    /**
     * Shuts the socket down, which ends a read or write blocked on it (read returns -1, write throws). The descriptor
     * is closed once no read or write is in it any more. From any thread, any number of times.
     */
    @Override
    public void close() {
        descriptor.close();
    }

    @Override
    public String toString() {
        return peer;
    }

    private static void shutdown(int fd) {
        try {
            SocketCalls.shutdown(fd, SocketCalls.SHUT_RDWR);
        } catch (LastErrorException e) {
            // ENOTCONN: the peer is gone already, nothing to wake
        }
    }

    private void release(int fd) {
        closeDescriptor(fd);
        readBuffer.close();
        writeBuffer.close();
    }

    private static void closeDescriptor(int fd) {
        try {
            SocketCalls.close(fd);
        } catch (LastErrorException e) {
            // the descriptor is released whatever close reports; retrying could close a reused number
        }
    }

    /** The time from now to the deadline, named in a timeout. */
    private static Duration timeLeft(long deadlineNanos) {
        return Duration.ofMillis(Math.max(0, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000));
    }
}
