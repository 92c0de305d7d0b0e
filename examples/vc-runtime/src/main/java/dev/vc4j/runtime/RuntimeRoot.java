package dev.vc4j.runtime;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.SandboxIds;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code --root} directory: one directory per container id holding its {@link RuntimeRecord}
 * ({@code state.json}). Directories are 0700; every write is a temporary file renamed over the old one, so a
 * reader sees the old record or the new one.
 */
final class RuntimeRoot {
    static final Path DEFAULT = Path.of("/run/vc-runtime");
    private static final String RECORD = "state.json";
    private static final long MAX_RECORD_BYTES = 1 << 20;

    private final Path root;

    RuntimeRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path dir(String id) {
        return root.resolve(checkedId(id));
    }

    /** A container id as vc4j takes ids: one that could escape the root is refused here. */
    static String checkedId(String id) {
        try {
            SandboxIds.check("container id", id);
            return id;
        } catch (InvalidConfigException e) {
            throw new RuntimeFailure("invalid container id \"" + id + "\": " + e.reason(), e);
        }
    }

    /** Makes the container's directory; throws runc's error when the id is taken. */
    Path createDir(String id) {
        try {
            Files.createDirectories(
                    root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            return Files.createDirectory(
                    dir(id), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeFailure("container with given ID already exists");
        } catch (IOException e) {
            throw new RuntimeFailure(
                    "cannot create the container's directory under " + root + ": " + e.getMessage(), e);
        }
    }

    Optional<RuntimeRecord> read(String id) {
        Path file = dir(id).resolve(RECORD);
        try {
            if (Files.size(file) > MAX_RECORD_BYTES) {
                throw new RuntimeFailure("the record " + file + " is larger than 1 MiB");
            }
            return Optional.of(RuntimeRecord.of(RuntimeJson.members(Files.readAllBytes(file)), file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The record of {@code id}; runc's error when there is none. */
    RuntimeRecord load(String id) {
        return read(id).orElseThrow(() -> RuntimeFailure.notFound(id));
    }

    void write(RuntimeRecord record) {
        Path dir = dir(record.id());
        try {
            Path tmp = Files.createTempFile(dir, RECORD, ".tmp");
            Files.write(tmp, RuntimeJson.bytes(record));
            try {
                Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RuntimeFailure(
                    "cannot write the record of " + record.id() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The ids that have a record, in name order. */
    List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve(RECORD)))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .forEach(ids::add);
        } catch (IOException e) {
            throw new RuntimeFailure("cannot list " + root + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Removes the container's directory and what is in it. */
    void remove(String id) {
        Path dir = dir(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
