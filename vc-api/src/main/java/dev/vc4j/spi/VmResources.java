package dev.vc4j.spi;

/** What a VM has now, as the hypervisor counts it: vCPUs and memory (boot memory plus hot-added DIMMs). */
public record VmResources(int vcpus, int memoryMib) {}
