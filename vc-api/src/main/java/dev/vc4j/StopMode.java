package dev.vc4j;

/** How {@link Sandbox#stop(StopMode)} ends the VM. */
public enum StopMode {
    /** The power button first (the guest shuts down), then QEMU's quit, then a kill: {@link Sandbox#stop()}. */
    GRACEFUL,
    /** QEMU is ended at once; the guest gets no chance to shut down. */
    IMMEDIATE
}
