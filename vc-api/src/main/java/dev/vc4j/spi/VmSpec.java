package dev.vc4j.spi;

import dev.vc4j.HypervisorConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * What a hypervisor needs to launch one sandbox's VM; {@code runDir} receives its sockets, pid file and logs,
 * {@code network} lists the guest interfaces to create.
 */
public record VmSpec(String sandboxId, String hostname, HypervisorConfig config, List<NetworkEndpoint> network,
        Path runDir, Path hostCache) {

    public VmSpec {
        network = List.copyOf(network);
    }
}
