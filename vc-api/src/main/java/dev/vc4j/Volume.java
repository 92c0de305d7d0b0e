package dev.vc4j;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host directory shared with the guest over virtio-9p; the guest mounts it by its tag
 * ({@code mount -t 9p -o trans=virtio,version=9p2000.L TAG DIR}). Written {@code mountTag:hostPath}, or
 * {@code mountTag:hostPath:ro} for a volume the guest cannot write to (QEMU refuses every write).
 */
public record Volume(String mountTag, Path hostPath, boolean readOnly) {
    // QEMU's virtio-9p keeps tags short; letters, digits and . _ - keep them safe in its option syntax too
    private static final String TAG_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,30}";
    private static final String READ_ONLY_SUFFIX = ":ro";

    /** A volume the guest may write to. */
    public Volume(String mountTag, Path hostPath) {
        this(mountTag, hostPath, false);
    }

    /**
     * Parses {@code mountTag:hostPath[:ro]}; the path may itself contain colons (one that ends in {@code :ro} is
     * only written with the constructor).
     */
    public static Volume parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon < 0) {
            throw new InvalidConfigException("volumes", spec, "must be mountTag:hostPath or mountTag:hostPath:ro");
        }
        String path = spec.substring(colon + 1);
        boolean readOnly = path.endsWith(READ_ONLY_SUFFIX);
        if (readOnly) {
            path = path.substring(0, path.length() - READ_ONLY_SUFFIX.length());
        }
        return new Volume(spec.substring(0, colon), Path.of(path), readOnly);
    }

    public void validate(String field) {
        if (mountTag == null || !mountTag.matches(TAG_PATTERN)) {
            throw new InvalidConfigException(
                    field + ".mountTag",
                    mountTag,
                    "must be 1 to 31 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (hostPath == null || !hostPath.isAbsolute()) {
            throw new InvalidConfigException(field + ".hostPath", hostPath, "must be an absolute path");
        }
        if (!Files.isDirectory(hostPath)) {
            throw new InvalidConfigException(field + ".hostPath", hostPath, "no such directory");
        }
    }

    @Override
    public String toString() {
        return mountTag + ":" + hostPath + (readOnly ? READ_ONLY_SUFFIX : "");
    }
}
