package dev.vc4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A file or host block device given to the guest as a disk. {@code format} is QEMU's name for the image
 * format: {@code raw} or {@code qcow2}. With {@code throwAwayWrites} the image is opened read-only and the guest
 * writes to an overlay of its own, which goes with the VM: an image used again stays as it was.
 */
public record Drive(Path path, String format, boolean readOnly, boolean throwAwayWrites) {
    public static final Set<String> FORMATS = Set.of("raw", "qcow2");
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    /** A drive whose writes, if any, reach the image. */
    public Drive(Path path, String format, boolean readOnly) {
        this(path, format, readOnly, false);
    }

    public static Drive raw(Path path) {
        return new Drive(path, "raw", false);
    }

    /** The same image, which the guest sees writable while its writes go to a throw-away overlay. */
    public Drive withThrowAwayWrites() {
        return new Drive(path, format, false, true);
    }

    /** Whether the image itself is opened for reading only. */
    public boolean imageReadOnly() {
        return readOnly || throwAwayWrites;
    }

    public static Drive qcow2(Path path) {
        return new Drive(path, "qcow2", false);
    }

    /** Checks what can be checked on the host; throws naming {@code prefix.path} or {@code prefix.format}. */
    public void validate(String prefix) {
        if (path == null || !path.isAbsolute()) {
            throw new InvalidConfigException(prefix + ".path", path, "must be an absolute path");
        }
        if (!Files.exists(path)) {
            throw new InvalidConfigException(prefix + ".path", path, "no such file or block device");
        }
        if (!Files.isRegularFile(path) && !isBlockDevice()) {
            throw new InvalidConfigException(prefix + ".path", path, "neither a regular file nor a block device");
        }
        if (readOnly && throwAwayWrites) {
            throw new InvalidConfigException(
                    prefix + ".throwAwayWrites", true, "a read-only drive has no writes to throw away");
        }
        if (!Files.isReadable(path) || (!imageReadOnly() && !Files.isWritable(path))) {
            throw new InvalidConfigException(
                    prefix + ".path", path, imageReadOnly() ? "not readable" : "not readable and writable");
        }
        if (format == null || !FORMATS.contains(format)) {
            throw new InvalidConfigException(prefix + ".format", format, "must be one of " + FORMATS);
        }
    }

    /** QEMU opens a block device with another protocol driver than a file. */
    public boolean isBlockDevice() {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
