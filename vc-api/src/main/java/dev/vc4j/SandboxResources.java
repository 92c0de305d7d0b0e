package dev.vc4j;

/**
 * The VM's size at boot, overriding the hypervisor config's {@code vcpus} and {@code memoryMib}; 0 keeps the
 * hypervisor config's value. Bounded by the hypervisor config's {@code maxVcpus} and {@code maxMemoryMib}.
 */
public record SandboxResources(int vcpus, int memoryMib) {
    /** Nothing overridden. */
    public static final SandboxResources HYPERVISOR_DEFAULTS = new SandboxResources(0, 0);

    /** Checks against {@code hypervisor}'s bounds; throws naming {@code resources.vcpus} or {@code resources.memoryMib}. */
    void validate(HypervisorConfig hypervisor) {
        if (vcpus < 0 || vcpus > hypervisor.maxVcpus()) {
            throw new InvalidConfigException(
                    "resources.vcpus",
                    vcpus,
                    "must be between 1 and the hypervisor's maxVcpus (" + hypervisor.maxVcpus()
                            + "), or 0 for its default");
        }
        if (memoryMib != 0 && (memoryMib < 64 || memoryMib > hypervisor.maxMemoryMib())) {
            throw new InvalidConfigException(
                    "resources.memoryMib",
                    memoryMib,
                    "must be between 64 and the hypervisor's " + "maxMemoryMib (" + hypervisor.maxMemoryMib()
                            + "), or 0 for its default");
        }
    }

    /** {@code hypervisor} with these resources in place of its own; its bounds stay. */
    HypervisorConfig applyTo(HypervisorConfig hypervisor) {
        HypervisorConfig.Builder b = hypervisor.toBuilder();
        if (vcpus != 0) {
            b.vcpus(vcpus);
        }
        if (memoryMib != 0) {
            b.memoryMib(memoryMib);
        }
        return b.build();
    }
}
