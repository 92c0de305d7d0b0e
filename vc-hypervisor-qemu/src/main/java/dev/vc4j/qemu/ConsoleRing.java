package dev.vc4j.qemu;

import dev.vc4j.spi.GuestText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The guest's serial console as a bounded tail in {@code console.log}: a guest that floods its console cannot fill
 * the host's tmpfs. QEMU writes the serial port to a unix socket (a chardev in server mode, which drops output while
 * nobody reads it and never blocks the VM), and one daemon thread of the process that launched the VM reads it with
 * blocking reads and appends to the file; once the file holds {@link #MAX_FILE_BYTES} it is replaced (atomically)
 * by its last {@link #KEEP_BYTES}. The thread is the file's only writer and ends when QEMU closes the socket. A
 * process that attaches to a running VM later reads nothing: the console is then dropped, which stays bounded.
 */
final class ConsoleRing {
    static final int KEEP_BYTES = 64 * 1024;
    static final int MAX_FILE_BYTES = 2 * KEEP_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final int READ_BYTES = 8192;
    private static final String PANIC = "Kernel panic - not syncing";

    private final SocketChannel socket;
    private final Path file;
    private final CountDownLatch ended = new CountDownLatch(1);

    private ConsoleRing(SocketChannel socket, Path file) {
        this.socket = socket;
        this.file = file;
    }

    /**
     * Connects to QEMU's console socket, which exists once QMP answered, and starts the reader; a console that
     * cannot be read is logged, not fatal: the VM works without it.
     */
    static Optional<ConsoleRing> start(Path consoleSocket, Path file, String vmName) {
        SocketChannel socket;
        try {
            // QEMU already listens and nobody else connects: the connect does not wait
            socket = SocketChannel.open(UnixDomainSocketAddress.of(consoleSocket));
        } catch (IOException e) {
            LOG.warn("cannot read the guest console of {} at {}: {}", vmName, consoleSocket, e.toString());
            return Optional.empty();
        }
        ConsoleRing ring = new ConsoleRing(socket, file);
        Thread reader = new Thread(ring::run, "vc4j-console-" + vmName);
        reader.setDaemon(true);
        reader.start();
        return Optional.of(ring);
    }

    /** Waits until QEMU closed the console and everything it wrote is in the file. */
    boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        try (SocketChannel in = socket) {
            FileChannel out = open(file);
            try {
                ByteBuffer buf = ByteBuffer.allocate(READ_BYTES);
                while (in.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                    buf.clear();
                    if (out.size() >= MAX_FILE_BYTES) {
                        out.close();
                        keepTail(file);
                        out = open(file);
                    }
                }
            } finally {
                out.close();
            }
        } catch (IOException e) {
            LOG.debug("guest console reader for {} ends: {}", file, e.toString());
        } finally {
            ended.countDown();
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(
                file,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /**
     * The guest kernel's last panic line in a console file, which the trace after it can push out of a short tail;
     * the guest wrote it, so it comes back bounded and escaped.
     */
    static Optional<String> panicLine(Path file) {
        String text;
        try {
            text = new String(lastBytes(file, MAX_FILE_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        int at = text.lastIndexOf(PANIC);
        if (at < 0) {
            return Optional.empty();
        }
        int end = text.indexOf('\n', at);
        String line = text.substring(at, end < 0 ? text.length() : end).strip();
        return Optional.of(GuestText.bounded(line, 256));
    }

    /** Replaces the file by its last {@link #KEEP_BYTES}; a reader of the file sees the old or the new one. */
    static void keepTail(Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] tail = lastBytes(file, KEEP_BYTES);
        try (FileChannel t = open(temp)) {
            t.truncate(0);
            t.write(ByteBuffer.wrap(tail));
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static byte[] lastBytes(Path file, int most) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - most);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            return buf;
        }
    }
}
