package dev.vc4j.spi;

import dev.vc4j.HostCheck;
import dev.vc4j.HypervisorConfig;

/** Starts and destroys VMs. Implementations are found with {@link java.util.ServiceLoader}. */
public interface Hypervisor {

    /**
     * Launches a VM and returns once its control socket answers, within the config's start timeout.
     * On failure nothing is left running and the files it created in {@code spec.runDir()} are removed.
     */
    Vm start(VmSpec spec);

    /**
     * Takes up a running VM known from the store (started by another process, or by this one before a
     * restart): connects to its control sockets within {@code timeout}. Throws when it no longer runs.
     */
    Vm attach(VmRecord record, java.nio.file.Path runDir, java.time.Duration timeout);

    /** Whether the VM of {@code record} still runs: same pid and same process start time. */
    boolean isRunning(VmRecord record);

    /**
     * The VM launched for {@code runDir}, as recorded the moment it was launched: its launcher may have died
     * before the store recorded it. Empty when none was recorded (or the driver records none).
     */
    default java.util.Optional<VmRecord> launched(java.nio.file.Path runDir) {
        return java.util.Optional.empty();
    }

    /**
     * Kills a VM known only from the store (its owner may be another or a dead process) and removes
     * its sockets and pid file from {@code runDir}. A recycled pid is never killed.
     */
    void destroy(VmRecord record, java.nio.file.Path runDir);

    /**
     * Whether this host can run VMs of {@code config}, item by item with what to do about each problem.
     * May boot a probe VM (the accelerator check), whose answer is cached under {@code hostCache}.
     */
    HostCheck check(HypervisorConfig config, java.nio.file.Path hostCache);

    /** A factory of VMs cloned from templates kept under {@code root}; empty when this driver has none. */
    default java.util.Optional<VmFactory> templates(java.nio.file.Path root) {
        return java.util.Optional.empty();
    }
}
