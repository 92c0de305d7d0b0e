package dev.vc4j;

/** How QEMU runs guest code. */
public enum Accelerator {
    /** KVM when a probe boot of the guest kernel succeeds on this host, else TCG. */
    AUTO,
    KVM,
    /** Software emulation: slow, works everywhere. */
    TCG
}
