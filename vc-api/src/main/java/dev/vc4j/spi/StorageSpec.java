package dev.vc4j.spi;

import java.util.List;
import java.util.Objects;

/**
 * A file system the guest agent mounts for a container, under the container's directory at {@code mountPoint}
 * (a plain name; {@code rootfs} makes it the container's root).
 *
 * @param source the virtio-9p mount tag, or the virtio-blk serial
 * @param fstype the file system of a block device (ext4, xfs...); ignored for 9p
 * @param options mount options, one per element (ro, nodev, or data such as {@code msize=...})
 */
public record StorageSpec(Driver driver, String source, String fstype, List<String> options, String mountPoint) {
    public enum Driver { NINE_P, BLOCK }

    public StorageSpec {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mountPoint, "mountPoint");
        fstype = fstype == null ? "" : fstype;
        options = List.copyOf(options);
    }

    public static StorageSpec ninep(String mountTag, String mountPoint, String... options) {
        return new StorageSpec(Driver.NINE_P, mountTag, "9p", List.of(options), mountPoint);
    }

    public static StorageSpec block(String serial, String fstype, String mountPoint, String... options) {
        return new StorageSpec(Driver.BLOCK, serial, fstype, List.of(options), mountPoint);
    }
}
