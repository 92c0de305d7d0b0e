package dev.vc4j;

/** Whether a sandbox's VM gets a vsock device for its agent channel (virtio-serial is always there too). */
public enum VsockMode {
    /** vsock where the host has a usable /dev/vhost-vsock, else virtio-serial only. */
    AUTO,
    /** virtio-serial only. */
    OFF,
    /** vsock or nothing: starting a sandbox fails on a host without a usable /dev/vhost-vsock. */
    ON
}
