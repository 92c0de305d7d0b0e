package dev.vc4j.spi;

import dev.vc4j.InvalidConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A file system the guest agent mounts for a container, under the container's directory at {@code mountPoint}
 * (a plain name; {@code rootfs} makes it the container's root).
 *
 * @param source the virtio-9p mount tag, or the block device's serial
 * @param fstype the file system of a block device (ext4, xfs...); ignored for 9p
 * @param options mount options, one per element (ro, nodev, or data such as {@code msize=...})
 * @param deviceWait how long the agent waits for a block device to appear in the guest (a hot-plugged one
 *     shows up a while after the plug) before the call fails with a timeout naming the serial; zero: it must
 *     be there already. The agent caps it at 120 s.
 */
public record StorageSpec(
        Driver driver, String source, String fstype, List<String> options, String mountPoint, Duration deviceWait) {
    public enum Driver {
        NINE_P,
        BLOCK
    }

    public StorageSpec {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(deviceWait, "deviceWait");
        if (deviceWait.isNegative()) {
            throw new InvalidConfigException("deviceWait", deviceWait, "must not be negative");
        }
        fstype = fstype == null ? "" : fstype;
        options = List.copyOf(options);
    }

    public static StorageSpec ninep(String mountTag, String mountPoint, String... options) {
        return new StorageSpec(Driver.NINE_P, mountTag, "9p", List.of(options), mountPoint, Duration.ZERO);
    }

    /** A block device found by its serial, waited for up to {@code deviceWait}. */
    public static StorageSpec block(
            String serial, String fstype, String mountPoint, Duration deviceWait, String... options) {
        return new StorageSpec(Driver.BLOCK, serial, fstype, List.of(options), mountPoint, deviceWait);
    }
}
