package dev.vc4j.storage;

import dev.vc4j.AlreadyExistsException;
import dev.vc4j.NotFoundException;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxIds;
import dev.vc4j.StorageException;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Sandboxes on the filesystem:
 * <pre>
 *   run root:    sbs/&lt;id&gt;/state.json, lock, sockets and logs of the VM
 *   config root: sbs/&lt;id&gt;/config.json
 * </pre>
 * Directories are 0700 and files 0600; ids are validated before they become paths, so nothing outside
 * the roots is ever touched.
 */
public final class FileSandboxStore implements SandboxStore {
    static final String STATE_FILE = "state.json";
    static final String CONFIG_FILE = "config.json";
    static final String LOCK_FILE = "lock";
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);

    private final StoreRoots roots;

    public FileSandboxStore(StoreRoots roots) {
        this.roots = roots;
    }

    @Override
    public StoreRoots roots() {
        return roots;
    }

    @Override
    public Path runDir(String sandboxId) {
        return roots.run().resolve("sbs").resolve(SandboxIds.check("id", sandboxId));
    }

    private Path configDir(String sandboxId) {
        return roots.config().resolve("sbs").resolve(SandboxIds.check("id", sandboxId));
    }

    @Override
    public SandboxLock lock(String sandboxId, boolean exclusive) {
        while (true) {
            if (!exists(sandboxId)) {
                throw new NotFoundException("sandbox", sandboxId);
            }
            AtomicFiles.createDirectories(runDir(sandboxId));
            SandboxFileLock lock = SandboxFileLock.acquire(runDir(sandboxId).resolve(LOCK_FILE), exclusive, LOCK_TIMEOUT);
            if (lock != null) {
                if (exists(sandboxId)) {
                    return lock;
                }
                // deleted while we waited, by a holder that had not yet unlinked the lock file
                lock.close();
            }
        }
    }

    @Override
    public SandboxLock lockNew(String sandboxId) {
        while (true) {
            AtomicFiles.createDirectories(runDir(sandboxId));
            SandboxFileLock lock = SandboxFileLock.acquire(runDir(sandboxId).resolve(LOCK_FILE), true, LOCK_TIMEOUT);
            if (lock != null) {
                return lock;
            }
        }
    }

    @Override
    public void createConfig(SandboxConfig config) {
        Path dir = configDir(config.id());
        if (Files.exists(dir.resolve(CONFIG_FILE))) {
            throw new AlreadyExistsException("sandbox", config.id());
        }
        AtomicFiles.createDirectories(dir);
        AtomicFiles.write(dir.resolve(CONFIG_FILE), VersionedJson.encode(config));
    }

    @Override
    public SandboxConfig readConfig(String sandboxId) {
        Path file = configDir(sandboxId).resolve(CONFIG_FILE);
        return read(file, SandboxConfig.class).orElseThrow(() -> new NotFoundException("sandbox", sandboxId));
    }

    @Override
    public void writeState(SandboxRecord record) {
        AtomicFiles.write(runDir(record.id()).resolve(STATE_FILE), VersionedJson.encode(record));
    }

    @Override
    public Optional<SandboxRecord> readState(String sandboxId) {
        return read(runDir(sandboxId).resolve(STATE_FILE), SandboxRecord.class);
    }

    @Override
    public boolean exists(String sandboxId) {
        return Files.exists(configDir(sandboxId).resolve(CONFIG_FILE));
    }

    @Override
    public List<String> list() {
        Path sbs = roots.config().resolve("sbs");
        try (Stream<Path> entries = Files.list(sbs)) {
            return entries.map(p -> p.getFileName().toString()).filter(SandboxIds::isValid)
                    .filter(this::exists).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StorageException("cannot list", sbs, e);
        }
    }

    /** Config first: once it is gone the sandbox no longer exists for any other caller. */
    @Override
    public void delete(String sandboxId) {
        AtomicFiles.deleteTree(configDir(sandboxId));
        AtomicFiles.deleteTree(runDir(sandboxId));
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read", file, e);
        }
        return Optional.of(VersionedJson.decode(content, type, file));
    }
}
