package dev.vc4j.storage;

import dev.vc4j.AlreadyExistsException;
import dev.vc4j.ContainerConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxIds;
import dev.vc4j.StorageException;
import dev.vc4j.StoreRoots;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Sandboxes on the filesystem:
 * <pre>
 *   run root:    sbs/&lt;id&gt;/state.json, lock, sockets and logs of the VM, containers/&lt;cid&gt;/state.json,
 *                the shared directory with each container's rootfs and bound directories mounted in it
 *                (see {@link RootfsShares})
 *   config root: sbs/&lt;id&gt;/config.json, containers/&lt;cid&gt;/config.json
 * </pre>
 * Directories are 0700 and files 0600; ids are validated before they become paths, so nothing outside
 * the roots is ever touched. What is mounted under a directory is unmounted before it is removed.
 */
public final class FileSandboxStore implements SandboxStore {
    static final String STATE_FILE = "state.json";
    static final String CONFIG_FILE = "config.json";
    static final String LOCK_FILE = "lock";
    static final String CONTAINERS_DIR = "containers";
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);

    private final StoreRoots roots;
    private final RootfsShares shares;
    private volatile boolean runRootChecked;

    public FileSandboxStore(StoreRoots roots) {
        this(roots, new RootfsShares(MountCalls.LINUX, MountTable.PROC_SELF));
    }

    FileSandboxStore(StoreRoots roots, RootfsShares shares) {
        this.roots = roots;
        this.shares = shares;
    }

    @Override
    public StoreRoots roots() {
        return roots;
    }

    @Override
    public Path runDir(String sandboxId) {
        String id = SandboxIds.check("id", sandboxId);
        return runRoot().resolve("sbs").resolve(id);
    }

    /** The run root, checked once before its first use (see {@link RunRoot}). */
    private Path runRoot() {
        if (!runRootChecked) {
            RunRoot.secure(roots.run());
            runRootChecked = true;
        }
        return roots.run();
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
            SandboxFileLock lock =
                    SandboxFileLock.acquire(runDir(sandboxId).resolve(LOCK_FILE), exclusive, LOCK_TIMEOUT);
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
        return ids(roots.config().resolve("sbs"));
    }

    /**
     * The names in {@code parent} that are valid ids and hold a config: anything else someone put there is
     * not ours and must not become a path we act on.
     */
    /** Every entry of {@code parent} named like a sandbox, whether or not it has a config. */
    private static List<String> directories(Path parent) {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(SandboxIds::isValid)
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StorageException("cannot list", parent, e);
        }
    }

    private static List<String> ids(Path parent) {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(p -> SandboxIds.isValid(p.getFileName().toString()))
                    .filter(p -> Files.exists(p.resolve(CONFIG_FILE)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StorageException("cannot list", parent, e);
        }
    }

    @Override
    public void createContainerConfig(String sandboxId, ContainerConfig config) {
        Path dir = containerDir(configDir(sandboxId), config.id());
        if (Files.exists(dir.resolve(CONFIG_FILE))) {
            throw new AlreadyExistsException("container", config.id());
        }
        AtomicFiles.createDirectories(dir);
        AtomicFiles.write(dir.resolve(CONFIG_FILE), VersionedJson.encode(config));
    }

    @Override
    public ContainerConfig readContainerConfig(String sandboxId, String containerId) {
        Path file = containerDir(configDir(sandboxId), containerId).resolve(CONFIG_FILE);
        return read(file, ContainerConfig.class).orElseThrow(() -> new NotFoundException("container", containerId));
    }

    @Override
    public void writeContainerState(String sandboxId, ContainerRecord record) {
        Path dir = containerDir(runDir(sandboxId), record.id());
        AtomicFiles.createDirectories(dir);
        AtomicFiles.write(dir.resolve(STATE_FILE), VersionedJson.encode(record));
    }

    @Override
    public Optional<ContainerRecord> readContainerState(String sandboxId, String containerId) {
        return read(containerDir(runDir(sandboxId), containerId).resolve(STATE_FILE), ContainerRecord.class);
    }

    @Override
    public List<String> listContainers(String sandboxId) {
        return ids(configDir(sandboxId).resolve(CONTAINERS_DIR));
    }

    @Override
    public void deleteContainer(String sandboxId, String containerId) {
        shares.unshare(runDir(sandboxId), SandboxIds.check("containerId", containerId));
        AtomicFiles.deleteTree(containerDir(configDir(sandboxId), containerId));
        AtomicFiles.deleteTree(containerDir(runDir(sandboxId), containerId));
    }

    /**
     * Containers live one level down, in {@code containers/}: directly under the sandbox's directory a
     * container named {@code lock} or {@code state.json} would collide with the sandbox's own files.
     */
    private static Path containerDir(Path sandboxDir, String containerId) {
        return sandboxDir.resolve(CONTAINERS_DIR).resolve(SandboxIds.check("containerId", containerId));
    }

    @Override
    public List<String> removeIncomplete() {
        Set<String> ids = new TreeSet<>(directories(roots.run().resolve("sbs")));
        ids.addAll(directories(roots.config().resolve("sbs")));
        List<String> removed = new ArrayList<>();
        for (String id : ids) {
            if (exists(id)) {
                continue;
            }
            AtomicFiles.createDirectories(runDir(id));
            SandboxFileLock lock;
            try {
                lock = SandboxFileLock.acquire(runDir(id).resolve(LOCK_FILE), true, Duration.ZERO);
            } catch (VcTimeoutException beingCreated) {
                continue;
            }
            if (lock == null) {
                continue; // deleted meanwhile
            }
            try (lock) {
                if (exists(id)) {
                    continue; // its create finished meanwhile
                }
                delete(id);
                removed.add(id);
            }
        }
        return removed;
    }

    /**
     * Mounts first: a sandbox whose unmount failed still exists, to be deleted again. Then the config: once it is
     * gone the sandbox no longer exists for any other caller.
     */
    @Override
    public void delete(String sandboxId) {
        shares.unmountAll(runDir(sandboxId));
        AtomicFiles.deleteTree(configDir(sandboxId));
        AtomicFiles.deleteTree(runDir(sandboxId));
        SandboxFileLock.forget(runDir(sandboxId).resolve(LOCK_FILE));
    }

    @Override
    public Path sharedDir(String sandboxId) {
        return shares.sharedDir(runDir(sandboxId));
    }

    @Override
    public boolean shareRootfs(String sandboxId, String containerId, Path rootfs, Rootfs.Access access) {
        return share(sandboxId, containerId, RootfsShares.ROOTFS, rootfs, access);
    }

    @Override
    public boolean shareMount(String sandboxId, String containerId, int index, Path dir, Rootfs.Access access) {
        return share(sandboxId, containerId, RootfsShares.mountName(index), dir, access);
    }

    private boolean share(String sandboxId, String containerId, String name, Path dir, Rootfs.Access access) {
        return shares.share(
                runDir(sandboxId),
                SandboxIds.check("containerId", containerId),
                name,
                dir,
                access == Rootfs.Access.READ_ONLY);
    }

    @Override
    public Map<String, Set<String>> mountsBySandbox() {
        return shares.mountsBySandbox(runRoot());
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
