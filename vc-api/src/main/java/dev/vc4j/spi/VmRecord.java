package dev.vc4j.spi;

import dev.vc4j.Accelerator;

/**
 * What identifies a running VM across processes: its pid together with the process start time
 * (clock ticks since boot, field 22 of /proc/pid/stat), so that a recycled pid is never mistaken for it.
 */
public record VmRecord(long pid, long startTime, Accelerator accelerator) {
}
