package dev.vc4j.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A VM started by this process. It owns the QEMU process and its sockets. */
public interface Vm extends AutoCloseable {

    VmRecord record();

    /** The host end of the agent's channel (a unix socket). */
    Path agentSocket();

    /** From QEMU's process start to the control socket answering. */
    Duration timeToControlReady();

    boolean isAlive();

    /**
     * Why the VM is gone, in words for a user (exit status, the tail of QEMU's stderr and of the guest
     * console); empty while it runs.
     */
    Optional<String> deathReason();

    /** Registers an action run once, on a background thread, when the QEMU process ends for any reason. */
    void onExit(Runnable action);

    /**
     * Stops the VM: a graceful power-down for at most {@code grace}, then QMP quit, then SIGKILL; reaps
     * the process and removes its sockets and pid file. Idempotent.
     */
    void stop(Duration grace);

    /** Stops the VM with no grace period. */
    @Override
    void close();
}
