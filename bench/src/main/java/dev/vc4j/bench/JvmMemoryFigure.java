package dev.vc4j.bench;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * M2: what one more live sandbox costs this JVM. Sandboxes are created one after another and kept; after each, a
 * GC and this process's VmRSS. The samples are the per-sandbox increments; the goal is checked on the whole
 * growth divided by the count. Their VMs run at once: the count is bounded by the host's available memory.
 */
final class JvmMemoryFigure {
    private static final double GOAL_MIB = 2;
    /** Room per VM (about 230 MiB of QEMU RSS under TCG) and for everything else on the host. */
    private static final long PER_VM_KIB = 300L << 10;

    private static final long RESERVE_KIB = 4L << 20;

    private JvmMemoryFigure() {}

    static Figure measure(VirtContainers vc, int wanted) throws IOException, InterruptedException {
        int count = (int) Math.min(wanted, (ProcMemory.hostAvailableKib() - RESERVE_KIB) / PER_VM_KIB);
        if (count < 5) {
            return Figure.notAvailable(
                    "M2", "host JVM RSS growth per live sandbox", "too little host memory for 5 VMs at once");
        }
        List<Sandbox> live = new ArrayList<>();
        double[] increments = new double[count];
        try {
            long before = settledRssKib();
            long last = before;
            for (int i = 0; i < count; i++) {
                live.add(vc.createSandbox(SandboxConfig.builder()
                        .id("bench-jvm-" + ProcessHandle.current().pid() + "-" + i)
                        .build()));
                long now = settledRssKib();
                increments[i] = (now - last) / 1024.0;
                last = now;
            }
            double perSandbox = (last - before) / 1024.0 / count;
            return Figure.of("M2", "host JVM RSS growth per live sandbox", "MiB", Stats.of(increments))
                    .goalAtMost(GOAL_MIB, perSandbox)
                    .note(String.format("growth over %d sandboxes / %d = %.2f MiB", count, count, perSandbox));
        } finally {
            for (Sandbox sb : live) {
                sb.close();
                sb.delete();
            }
        }
    }

    private static long settledRssKib() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(200);
        return ProcMemory.selfRssKib();
    }
}
