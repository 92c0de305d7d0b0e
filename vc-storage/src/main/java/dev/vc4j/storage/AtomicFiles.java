package dev.vc4j.storage;

import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Durable, all-or-nothing file writes: temp file, fsync, rename over the target, fsync of the directory.
 * A reader sees the old content or the new, never a mix, even after a crash at any point.
 *
 * <p>Writers of a file hold its sandbox's exclusive lock, so each target has one temp file with a fixed
 * name: what a writer killed mid-write leaves is overwritten by the next write instead of piling up.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    static void write(Path target, byte[] content) {
        Path dir = target.getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(
                    temp,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageException("cannot write", target, e);
        }
    }

    /**
     * Creates {@code dir} and its missing parents with mode 0700; each new entry's parent is fsynced, so a
     * file written durably inside does not vanish with its directory at a crash.
     */
    static void createDirectories(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.getParent();
                if (parent != null) {
                    createDirectories(parent);
                }
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                if (parent != null) {
                    syncDirectory(parent);
                }
            }
        } catch (FileAlreadyExistsException e) {
            // another process made it first: fine
        } catch (IOException e) {
            throw new StorageException("cannot create directory", dir, e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove", dir, e);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the write already failed; that error is the one to report
        }
    }
}
