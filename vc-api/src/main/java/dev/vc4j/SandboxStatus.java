package dev.vc4j;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a sandbox. {@code hypervisorPid} is 0 when no VM is recorded; {@code hypervisorAlive}
 * tells whether that process (same pid and start time) still runs.
 */
public record SandboxStatus(
        String id,
        SandboxState state,
        long hypervisorPid,
        boolean hypervisorAlive,
        Accelerator accelerator,
        Instant createdAt,
        Map<String, String> annotations,
        List<ContainerStatus> containers) {

    public SandboxStatus {
        annotations = Map.copyOf(annotations);
        containers = List.copyOf(containers);
    }
}
