package dev.vc4j.spi;

/** What an OnlineCPUMem call brought online in the guest: CPUs and memory blocks. */
public record OnlinedResources(int cpus, int memoryBlocks) {}
