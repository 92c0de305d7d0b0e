package dev.vc4j.spi;

import dev.vc4j.Accelerator;

/**
 * What identifies a running VM across processes: its pid together with the process start time
 * (clock ticks since boot, field 22 of /proc/pid/stat), so that a recycled pid is never mistaken for it;
 * and how its agent is reached. {@code agentChannel} is null in records written before it was recorded:
 * those VMs have the virtio-serial port only.
 */
public record VmRecord(long pid, long startTime, Accelerator accelerator, AgentChannel agentChannel) {

    /** A VM whose agent channel is not recorded. */
    public VmRecord(long pid, long startTime, Accelerator accelerator) {
        this(pid, startTime, accelerator, null);
    }
}
