package dev.vc4j.spi;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;

import java.nio.file.Path;
import java.util.List;

/**
 * What a hypervisor needs to launch one sandbox's VM; {@code runDir} receives its sockets, pid file and logs,
 * {@code volumes} are shared with the guest from boot on, {@code network} lists the guest interfaces to create.
 */
public record VmSpec(String sandboxId, String hostname, HypervisorConfig config, Path runDir, Path hostCache,
        List<Volume> volumes, List<NetworkEndpoint> network) {

    public VmSpec {
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
        network = List.copyOf(network == null ? List.of() : network);
    }

    /** A VM without network interfaces. */
    public VmSpec(String sandboxId, String hostname, HypervisorConfig config, Path runDir, Path hostCache,
            List<Volume> volumes) {
        this(sandboxId, hostname, config, runDir, hostCache, volumes, List.of());
    }
}
