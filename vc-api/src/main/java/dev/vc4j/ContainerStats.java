package dev.vc4j;

import java.util.List;

/**
 * A container's counters, as the guest kernel reports them: its cgroup's (a counter the guest lacks reads 0)
 * and, in {@code network}, every interface of the network namespace its init process is in, loopback included
 * (empty before the container starts and once its init process has exited).
 */
public record ContainerStats(
        long memoryUsageBytes,
        long memoryLimitBytes,
        long oomKills,
        long cpuUsageMicros,
        long cpuUserMicros,
        long cpuSystemMicros,
        long pids,
        long ioReadBytes,
        long ioWriteBytes,
        List<InterfaceStats> network) {
    public ContainerStats {
        network = List.copyOf(network);
    }
}
