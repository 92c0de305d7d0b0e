package dev.vc4j.spi;

import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;

import java.nio.file.Path;
import java.util.List;

/**
 * What a hypervisor needs to launch one sandbox's VM; {@code runDir} receives its sockets, pid file and logs,
 * {@code network} lists the guest interfaces to create, {@code volumes} are shared with the guest from boot
 * on, {@code drives} plugged at boot (coldplug; with virtio-blk each takes one of the config's hotplug root
 * ports).
 *
 * @param sharedDir the sandbox's shared directory (see {@link SandboxStore#sharedDir}), exported to the guest
 *     from boot on as {@value #SHARED_DIR_TAG}, apart from the volumes; null for a VM that runs no container
 */
public record VmSpec(
        String sandboxId,
        String hostname,
        HypervisorConfig config,
        List<NetworkEndpoint> network,
        Path runDir,
        Path hostCache,
        List<Volume> volumes,
        List<Drive> drives,
        Path sharedDir) {
    /** The shared directory's tag in the guest; no volume may take it. */
    public static final String SHARED_DIR_TAG = "vc4j-shared";

    public VmSpec {
        network = List.copyOf(network);
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
        drives = List.copyOf(drives == null ? List.of() : drives);
    }

    /** A VM without a shared directory: one that runs no container. */
    public VmSpec(
            String sandboxId,
            String hostname,
            HypervisorConfig config,
            List<NetworkEndpoint> network,
            Path runDir,
            Path hostCache,
            List<Volume> volumes,
            List<Drive> drives) {
        this(sandboxId, hostname, config, network, runDir, hostCache, volumes, drives, null);
    }
}
