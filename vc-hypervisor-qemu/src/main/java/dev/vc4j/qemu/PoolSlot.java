package dev.vc4j.qemu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.vc4j.HypervisorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory of one pooled clone: its run files in {@code run/}, and the shared directory QEMU exports laid
 * out as the sandbox store lays out a sandbox's: {@code mounts/} bound read-only at {@code shared/} (a plain
 * directory where this process may not mount). QEMU opens the exported directory once, at start, and resolves
 * every path under it from that descriptor; its sockets keep listening and its logs keep being written when
 * their names move. So handing the clone over moves the names: the run files into the sandbox's run directory,
 * {@code mounts/} over the sandbox's (empty) one and the {@code shared/} mount onto the sandbox's shared
 * directory, whose own empty bind is taken away first.
 */
final class PoolSlot {
    private static final long MS_RDONLY = 1;
    private static final long MS_REMOUNT = 32;
    private static final long MS_BIND = 4096;
    private static final long MS_MOVE = 8192;
    private static final long MS_PRIVATE = 1L << 18;
    private static final int MNT_DETACH = 2;
    private static final int EPERM = 1;
    private static final List<String> RUN_FILES = List.of(
            "qmp-ctl.sock", "qmp-mon.sock", "agent.sock", "qemu.pid", "qemu.launch", "console.sock", "qemu.log");

    static {
        Native.register(PoolSlot.class, "c");
    }

    private static native int mount(String source, String target, String fsType, long flags, String data)
            throws LastErrorException;

    private static native int umount2(String target, int flags) throws LastErrorException;

    final Path dir;

    private PoolSlot(Path dir) {
        this.dir = dir;
    }

    Path runDir() {
        return dir.resolve("run");
    }

    Path sharedDir() {
        return dir.resolve("shared");
    }

    private Path mounts() {
        return dir.resolve("mounts");
    }

    /** The slot in {@code dir}, made earlier (perhaps by another JVM). */
    static PoolSlot existing(Path dir) {
        return new PoolSlot(dir);
    }

    /**
     * Makes the slot's directories, owned by this JVM ({@link PoolOwners}); {@code shared/} is a read-only bind of
     * {@code mounts/} where this may mount.
     */
    static PoolSlot create(Path dir) {
        PoolSlot slot = new PoolSlot(dir);
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
            PoolOwners.own(dir);
            Files.createDirectories(slot.runDir());
            Files.createDirectories(slot.mounts());
            Files.createDirectories(slot.sharedDir());
        } catch (IOException e) {
            throw new HypervisorException("cannot create the pooled VM's directory " + dir + ": " + e.getMessage(), e);
        }
        String shared = slot.sharedDir().toString();
        try {
            mount(slot.mounts().toString(), shared, null, MS_BIND, null);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EPERM) {
                return slot;
            }
            throw new HypervisorException("cannot bind the pooled VM's shared directory: " + e.getMessage(), e);
        }
        try {
            mount(null, shared, null, MS_PRIVATE, null);
            mount(null, shared, null, MS_BIND | MS_REMOUNT | MS_RDONLY, null);
        } catch (LastErrorException e) {
            slot.remove();
            throw new HypervisorException("cannot make the pooled VM's shared directory private and read-only", e);
        }
        return slot;
    }

    /**
     * Moves the clone's run files into {@code runDir} and its shared directory onto {@code sharedDir}, which
     * must be empty and, like the slot's, a bind of its sibling {@code mounts/} or a plain directory.
     */
    void handOver(Path runDir, Path sharedDir) {
        boolean bound = MountPoints.contains(sharedDir());
        if (bound != MountPoints.contains(sharedDir)) {
            throw new HypervisorException(sharedDir + " is " + (bound ? "not " : "") + "a mount, the pooled VM's is");
        }
        requireEmpty(sharedDir);
        try {
            for (String name : RUN_FILES) {
                Files.move(runDir().resolve(name), runDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            if (bound) {
                umount2(sharedDir.toString(), MNT_DETACH);
                Files.move(mounts(), sharedDir.resolveSibling("mounts"), StandardCopyOption.ATOMIC_MOVE);
                mount(sharedDir().toString(), sharedDir.toString(), null, MS_MOVE, null);
            } else {
                Files.move(sharedDir(), sharedDir, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | LastErrorException e) {
            throw new HypervisorException("cannot hand the pooled VM over to " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static void requireEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new HypervisorException(dir + " is not empty: a pooled VM serves new sandboxes only");
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Unmounts the slot's shared directory (detached: a dying QEMU may still hold it) and removes the slot. */
    void remove() {
        if (MountPoints.contains(sharedDir())) {
            try {
                umount2(sharedDir().toString(), MNT_DETACH);
            } catch (LastErrorException e) {
                throw new HypervisorException("cannot unmount " + sharedDir() + ": " + e.getMessage(), e);
            }
        }
        try {
            TemplateStore.deleteTree(dir);
        } catch (IOException e) {
            throw new HypervisorException("cannot remove the pooled VM's directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Which paths are mount points, from /proc/self/mountinfo. */
    private static final class MountPoints {
        static boolean contains(Path path) {
            String escaped = realPath(path)
                    .toString()
                    .replace("\\", "\\134")
                    .replace(" ", "\\040")
                    .replace("\t", "\\011")
                    .replace("\n", "\\012");
            try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
                return lines.map(l -> l.split(" ")).anyMatch(f -> f.length > 4 && f[4].equals(escaped));
            } catch (IOException e) {
                throw new HypervisorException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
            }
        }

        private static Path realPath(Path path) {
            try {
                return path.toRealPath();
            } catch (IOException e) {
                return path.toAbsolutePath().normalize();
            }
        }
    }
}
