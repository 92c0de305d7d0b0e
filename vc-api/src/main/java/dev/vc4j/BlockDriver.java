package dev.vc4j;

/** How block drives reach the guest. */
public enum BlockDriver {
    /** One virtio-blk-pci device per drive, each on its own PCIe root port. */
    VIRTIO_BLK,
    /** One virtio-scsi controller at boot; each drive is a scsi-hd on it (no root port per drive). */
    VIRTIO_SCSI
}
