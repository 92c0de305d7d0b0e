package dev.vc4j;

/** A container cgroup's counters, as the guest kernel reports them; a counter the guest lacks reads 0. */
public record ContainerStats(
        long memoryUsageBytes,
        long memoryLimitBytes,
        long oomKills,
        long cpuUsageMicros,
        long cpuUserMicros,
        long cpuSystemMicros,
        long pids,
        long ioReadBytes,
        long ioWriteBytes) {
}
