package dev.vc4j.bench;

import dev.vc4j.Bundle;
import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * One sandbox from the call to its first container output, as a user sees it: createSandbox until it returns
 * ready (T1), then the bundle's container created and started until its first byte of stdout arrives (T2, from
 * the same start), and the sandbox's QEMU memory once it was ready (M1). The sandbox is deleted afterwards.
 */
record SandboxBoot(double readyMillis, double firstOutputMillis, ProcMemory qemuMemory, List<String> qemuArgv) {

    static SandboxBoot measure(VirtContainers vc, String id, Path bundle) throws IOException {
        long start = System.nanoTime();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(id).build());
        try {
            double ready = (System.nanoTime() - start) / 1e6;
            long memoryStart = System.nanoTime();
            long pid = sandbox.status().hypervisorPid();
            ProcMemory memory = ProcMemory.of(pid);
            List<String> argv = ProcMemory.cmdline(pid);
            long memoryNanos = System.nanoTime() - memoryStart; // not the sandbox's time: taken out of T2
            Container c = sandbox.createContainer(
                    Bundle.read(bundle).toConfig().id("first").build());
            try (ContainerProcess p = c.process()) {
                c.start();
                InputStream out = p.stdout();
                if (out.read() < 0) {
                    throw new IllegalStateException("the container's stdout ended without output");
                }
                double first = (System.nanoTime() - start - memoryNanos) / 1e6;
                return new SandboxBoot(ready, first, memory, argv);
            }
        } finally {
            sandbox.close();
            try {
                sandbox.stop(StopMode.IMMEDIATE); // a started container made it running: delete needs it stopped
            } finally {
                sandbox.delete();
            }
        }
    }
}
