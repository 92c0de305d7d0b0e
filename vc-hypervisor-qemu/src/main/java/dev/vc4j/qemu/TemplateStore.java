package dev.vc4j.qemu;

import dev.vc4j.StorageException;
import dev.vc4j.TemplateInfo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Templates on disk: {@code <root>/<shape key>/} holds {@code memory} (the guest RAM, mapped by every clone),
 * {@code state} (QEMU's device state) and, written last, {@code template.json}: a template without it is
 * half-written and never used. Each directory has its own {@code lock}, held while a template is built, used
 * to start a clone, or removed.
 */
final class TemplateStore {
    static final int FORMAT = 1;
    /**
     * A FileChannel lock is per process: a second one taken in this JVM throws instead of waiting, so threads
     * queue here first.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path root;

    TemplateStore(Path root) {
        this.root = root;
    }

    /** What {@code template.json} records: the format, the inputs the template was made from, and when. */
    record Meta(int format, String inputs, long memoryBytes, long createdMillis) {}

    /** One template's directory, held under its lock until closed. */
    final class Entry implements AutoCloseable {
        final Path dir;
        private final ReentrantLock threads;
        private final FileChannel channel;
        private final FileLock lock;

        private Entry(Path dir, ReentrantLock threads, FileChannel channel, FileLock lock) {
            this.dir = dir;
            this.threads = threads;
            this.channel = channel;
            this.lock = lock;
        }

        Path memory() {
            return dir.resolve("memory");
        }

        Path state() {
            return dir.resolve("state");
        }

        Path meta() {
            return dir.resolve("template.json");
        }

        /** The template's record; empty when it is missing or unreadable (a half-written template). */
        Optional<Meta> readMeta() {
            try {
                Meta meta = QemuJson.MAPPER.readValue(meta().toFile(), Meta.class);
                return meta.format() == FORMAT ? Optional.of(meta) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** Marks the template complete: temp file, fsync, rename. */
        void writeMeta(Meta meta) {
            Path tmp = dir.resolve("template.json.tmp");
            try (FileChannel out = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(QemuJson.MAPPER.writeValueAsBytes(meta)));
                out.force(true);
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw new StorageException("cannot write the template record", tmp, e);
            }
            try {
                Files.move(tmp, meta(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw new StorageException("cannot write the template record", meta(), e);
            }
        }

        /** Removes everything of the template but its lock file, which other processes may be waiting on. */
        void clear() {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (!p.getFileName().toString().equals("lock")) {
                        deleteTree(p);
                    }
                }
            } catch (IOException e) {
                throw new StorageException("cannot remove the template", dir, e);
            }
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing the channel releases the lock in any case
            } finally {
                threads.unlock();
            }
        }
    }

    /** Takes the lock of the template {@code key}, making its directory when missing; waits for other holders. */
    Entry lock(String key) {
        Path dir = root.resolve(key);
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(dir, d -> new ReentrantLock());
        threads.lock();
        try {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileChannel channel =
                    FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Entry(dir, threads, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            threads.unlock();
            throw new StorageException("cannot lock the template", dir, e);
        } catch (RuntimeException e) {
            threads.unlock();
            throw e;
        }
    }

    /** The complete templates. */
    List<TemplateInfo> list() {
        List<TemplateInfo> out = new ArrayList<>();
        for (String key : keys()) {
            Path dir = root.resolve(key);
            try {
                Meta meta =
                        QemuJson.MAPPER.readValue(dir.resolve("template.json").toFile(), Meta.class);
                out.add(new TemplateInfo(
                        key,
                        dir,
                        Files.size(dir.resolve("memory")),
                        Files.size(dir.resolve("state")),
                        Instant.ofEpochMilli(meta.createdMillis())));
            } catch (IOException e) {
                // half-written, or removed meanwhile: not a template
            }
        }
        return out;
    }

    /** Removes every template, each under its lock; returns how many directories it removed. */
    int removeAll() {
        int removed = 0;
        for (String key : keys()) {
            try (Entry entry = lock(key)) {
                entry.clear();
                deleteTree(entry.dir.resolve("lock"));
                Files.deleteIfExists(entry.dir);
                removed++;
            } catch (IOException e) {
                throw new StorageException("cannot remove the template", root.resolve(key), e);
            }
        }
        return removed;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            dirs.forEach(d -> keys.add(d.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return keys;
        } catch (IOException e) {
            throw new StorageException("cannot list the templates", root, e);
        }
        return keys;
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An empty file only its owner may read, in place of any earlier one. */
    static void createPrivate(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PRIVATE_FILE);
        } catch (IOException e) {
            throw new StorageException("cannot create", file, e);
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a temp file left behind is removed with its template
        }
    }
}
