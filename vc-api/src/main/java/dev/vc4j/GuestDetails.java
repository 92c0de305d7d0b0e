package dev.vc4j;

import java.time.Duration;

/** What the agent reports about the guest it runs in. */
public record GuestDetails(
        String agentVersion,
        String kernelRelease,
        String kernelVersion,
        String machine,
        long memTotalKib,
        long memAvailableKib,
        int onlineCpus,
        Duration uptime) {}
