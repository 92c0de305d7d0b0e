package dev.vc4j.storage;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.SandboxConfig;

import java.nio.file.Path;

/** Configs for the store's tests: the store keeps them and never boots them, so the kernel and initrd need not exist. */
final class SandboxConfigs {
    private SandboxConfigs() {}

    /** A sandbox {@code id} with nothing but a kernel and an initrd set. */
    static SandboxConfig minimal(String id) {
        return SandboxConfig.builder()
                .id(id)
                .hypervisor(HypervisorConfig.builder()
                        .kernel(Path.of("/k/vmlinux"))
                        .initrd(Path.of("/k/initrd.img"))
                        .build())
                .build();
    }
}
