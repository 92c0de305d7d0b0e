package dev.vc4j.bench;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a sandbox costs on top of the VM under it. Baseline: QEMU alone booting the same kernel and initrd
 * until the guest's init runs and powers off ({@code vc4j.probe=1}). Measured: createSandbox (QMP, agent
 * handshake, first Check, state on disk) plus delete. Rounds alternate so both see the same machine load.
 */
public final class BootBench {
    private static final int ROUNDS = Integer.getInteger("rounds", 5);

    private BootBench() {}

    public static void main(String[] args) throws Exception {
        VirtContainers vc = VirtContainers.create();
        HypervisorConfig hv = HypervisorConfig.defaults();
        double[] bare = new double[ROUNDS];
        double[] sandbox = new double[ROUNDS];
        double[] agentReady = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            Sandbox sb = vc.createSandbox(SandboxConfig.builder()
                    .id("bench-boot-" + ProcessHandle.current().pid() + "-" + i)
                    .build());
            agentReady[i] = sb.bootTimings().agentReady().toMillis();
            Accelerator accel = sb.status().accelerator();
            sb.close();
            sb.delete();
            sandbox[i] = (System.nanoTime() - start) / 1e6;
            bare[i] = bareBootMillis(hv, accel);
            System.out.printf(
                    "round %d: sandbox create+delete %6.0f ms, bare QEMU boot to init %6.0f ms%n",
                    i + 1, sandbox[i], bare[i]);
        }
        Stats b = Stats.of(bare);
        Stats s = Stats.of(sandbox);
        System.out.println("bare QEMU boot to init:     " + b.format("ms"));
        System.out.println("QEMU start to agent ready:  " + Stats.of(agentReady).format("ms"));
        System.out.println("sandbox create + delete:    " + s.format("ms"));
        System.out.printf("ratio sandbox / bare boot:  %.2f%n", s.median() / b.median());
    }

    /** QEMU with the image and nothing else vc4j adds, from process start to exit after init's marker. */
    private static double bareBootMillis(HypervisorConfig hv, Accelerator accel)
            throws IOException, InterruptedException {
        Path console = Files.createTempFile("vc4j-bench-", ".log");
        try {
            List<String> argv = BareQemu.argv(hv, accel, 1, "vc4j.probe=1", console);
            long start = System.nanoTime();
            Process qemu = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!qemu.waitFor(120, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
                throw new IllegalStateException("bare boot did not power off within 120 s");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (!Files.readString(console).contains("vc4j-init: probe-ok")) {
                throw new IllegalStateException("bare boot did not reach init: " + Files.readString(console));
            }
            return millis;
        } finally {
            Files.deleteIfExists(console);
        }
    }
}
