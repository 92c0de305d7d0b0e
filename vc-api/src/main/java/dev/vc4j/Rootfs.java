package dev.vc4j;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A container's root filesystem on the host: a directory (shared into the guest) or a block device
 * (hot-plugged into the VM and mounted there with {@code fsType}), which the container may write to or not.
 * A null {@code access} (a config written before it existed) is read-write.
 */
public record Rootfs(Kind kind, Path source, String fsType, Access access) {
    private static final Pattern FS_TYPE = Pattern.compile("[a-z0-9]{1,16}");

    public enum Kind {
        DIRECTORY,
        BLOCK_DEVICE
    }

    public enum Access {
        READ_WRITE,
        READ_ONLY,
        /**
         * A block device only: the container writes, but to a throw-away overlay that goes with the VM; the image
         * stays byte for byte as it was, ready to be used again.
         */
        THROW_AWAY_WRITES
    }

    public Rootfs {
        access = access == null ? Access.READ_WRITE : access;
    }

    public static Rootfs directory(Path dir) {
        return new Rootfs(Kind.DIRECTORY, dir, null, Access.READ_WRITE);
    }

    public static Rootfs blockDevice(Path device, String fsType) {
        return new Rootfs(Kind.BLOCK_DEVICE, device, fsType, Access.READ_WRITE);
    }

    /** The same block device, whose writes go to a throw-away overlay instead of the image. */
    public Rootfs throwAwayWrites() {
        return new Rootfs(kind, source, fsType, Access.THROW_AWAY_WRITES);
    }

    /** The same root file system, which the container cannot write to. */
    public Rootfs readOnly() {
        return new Rootfs(kind, source, fsType, Access.READ_ONLY);
    }

    public void validate(String prefix) {
        if (kind == null) {
            throw new InvalidConfigException(prefix + ".kind", null, "is required");
        }
        if (source == null || !source.isAbsolute()) {
            throw new InvalidConfigException(prefix + ".source", source, "must be an absolute host path");
        }
        if (kind == Kind.BLOCK_DEVICE
                && (fsType == null || !FS_TYPE.matcher(fsType).matches())) {
            throw new InvalidConfigException(
                    prefix + ".fsType", fsType, "a block device needs its filesystem type, e.g. ext4");
        }
        if (kind == Kind.DIRECTORY && access == Access.THROW_AWAY_WRITES) {
            throw new InvalidConfigException(
                    prefix + ".access", access, "only a block device's writes can go to a throw-away overlay");
        }
        if (kind == Kind.DIRECTORY && fsType != null) {
            throw new InvalidConfigException(prefix + ".fsType", fsType, "only a block device has a filesystem type");
        }
    }
}
