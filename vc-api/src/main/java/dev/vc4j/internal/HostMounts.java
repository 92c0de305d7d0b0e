package dev.vc4j.internal;

import dev.vc4j.ContainerConfig;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Mount;
import dev.vc4j.StorageException;
import dev.vc4j.spi.AgentSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's {@link Mount}s as the guest makes them: a bind mount of a host directory from where the sandbox's
 * shared directory (or, where the host may not mount, a volume) shows it in the guest; of a host file from a copy the agent keeps in its shared directory (CopyFile:
 * the guest has no view of single host files), written at each create; other mounts as they are.
 */
final class HostMounts {
    /** Where the agent's CopyFile writes (its state directory's {@code shared}). */
    private static final String GUEST_SHARED_DIR = "/run/vc4j-agent/shared";
    /** The most CopyFile takes. */
    private static final long MAX_FILE_BYTES = 1L << 20;

    private HostMounts() {}

    /** Where the guest sees the host directory {@code dir} of the container's bind mount {@code index}. */
    @FunctionalInterface
    interface GuestDirs {
        String of(int index, Path dir, boolean readOnly);
    }

    /**
     * Checks on the host what delivering would fail on: a bind source that is missing, neither a directory nor a
     * regular file, or a file over 1 MiB. Touches nothing.
     */
    static void check(ContainerConfig config) {
        List<Mount> mounts = config.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            if (!mounts.get(i).toOci().isBind()) {
                continue;
            }
            Path source = Path.of(mounts.get(i).source());
            if (Files.isDirectory(source)) {
                continue; // shared with the guest at create
            }
            String field = "mounts[" + i + "].source";
            if (!Files.isRegularFile(source)) {
                throw new InvalidConfigException(
                        field,
                        source,
                        Files.exists(source)
                                ? "a bind mount's source must be a directory or a regular file"
                                : "no such file or directory");
            } else if (size(source) > MAX_FILE_BYTES) {
                throw new InvalidConfigException(
                        field, source, "a host file bound into the VM is copied there: " + "at most 1 MiB");
            }
        }
    }

    /**
     * The mounts of {@code config} as the guest makes them; host files are copied into the guest here.
     * {@code guestDirs} shares a host directory with the guest.
     */
    static List<dev.vc4j.oci.Mount> deliver(ContainerConfig config, AgentSession agent, GuestDirs guestDirs) {
        List<dev.vc4j.oci.Mount> delivered = new ArrayList<>();
        List<Mount> mounts = config.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            dev.vc4j.oci.Mount mount = mounts.get(i).toOci();
            if (!mount.isBind()) {
                delivered.add(mount);
                continue;
            }
            Path source = Path.of(mount.source());
            String inGuest;
            if (Files.isDirectory(source)) {
                inGuest = guestDirs.of(i, source, mount.isReadOnly());
            } else {
                String copy = config.id() + "/mounts/" + i;
                agent.copyFile(copy, read(source), mode(source));
                inGuest = GUEST_SHARED_DIR + "/" + copy;
            }
            delivered.add(mount.toBuilder().source(inGuest).build());
        }
        return delivered;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of", file, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StorageException("cannot read the bind mount source", file, e);
        }
    }

    /** The file's permission bits, so that the copy is as readable (and executable) as the original. */
    private static int mode(Path file) {
        try {
            int mode = 0;
            for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (IOException | UnsupportedOperationException e) {
            return 0; // the agent's default: 0644
        }
    }
}
