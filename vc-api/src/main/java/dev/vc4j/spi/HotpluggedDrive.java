package dev.vc4j.spi;

import dev.vc4j.Drive;

/**
 * A drive plugged into a running VM. The guest finds it by {@code serial} (virtio-blk: /sys/block/X/serial;
 * SCSI: the unit serial number), never by its /dev name, which depends on probe order. {@code index} is
 * the drive's number in its VM (for SCSI it gives the target, index / 256, and the LUN, index % 256);
 * {@code deviceId} and {@code nodeName} are QEMU's names for the device and its block node.
 */
public record HotpluggedDrive(Drive drive, int index, String serial, String deviceId, String nodeName) {}
