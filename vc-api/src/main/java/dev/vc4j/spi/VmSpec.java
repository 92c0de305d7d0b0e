package dev.vc4j.spi;

import dev.vc4j.HypervisorConfig;

import java.nio.file.Path;

/** What a hypervisor needs to launch one sandbox's VM; {@code runDir} receives its sockets, pid file and logs. */
public record VmSpec(String sandboxId, String hostname, HypervisorConfig config, Path runDir, Path hostCache) {
}
