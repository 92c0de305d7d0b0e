package dev.vc4j.bench;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest agent's footprint against the bar (a static binary of at most 2 MiB, at most 2 MiB of
 * idle RSS in the guest), with busybox's idle {@code sleep} in the same guest as the baseline: the smallest
 * static process there is. RSS comes from /proc/PID/smaps_rollup.
 */
public final class AgentFootprintBench {
    private static final long BAR_BYTES = 2L << 20;
    private static final int SAMPLES = 5;

    private AgentFootprintBench() {}

    public static void main(String[] args) throws Exception {
        Path binary = Path.of(System.getProperty("agent.binary", "guest/agent/build/vc4j-agent"));
        long size = Files.size(binary);
        System.out.printf("agent binary (static, stripped): %d KiB (bar %d KiB)%n", size >> 10, BAR_BYTES >> 10);
        VirtContainers vc = VirtContainers.create();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                .id("bench-agent-" + ProcessHandle.current().pid())
                .build());
        try {
            double[] agent = new double[SAMPLES];
            double[] sleep = new double[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                agent[i] = rssKib(sandbox, "p=$(pidof vc4j-agent)");
                sleep[i] = rssKib(sandbox, "sleep 60 </dev/null >/dev/null 2>&1 & p=$!; sleep 0.3");
            }
            Stats a = Stats.of(agent);
            Stats s = Stats.of(sleep);
            System.out.println("idle agent Rss (smaps_rollup):   " + a.format("KiB"));
            System.out.println("busybox sleep Rss (baseline):    " + s.format("KiB"));
            System.out.printf("ratio agent / sleep:             %.2f%n", a.median() / s.median());
            System.out.printf(
                    "agent within the 2 MiB bars:     binary %s, rss %s%n",
                    size <= BAR_BYTES, a.median() * 1024 <= BAR_BYTES);
        } finally {
            sandbox.close();
            sandbox.delete();
        }
    }

    /** {@code setPid} is shell code that leaves the pid to measure in {@code $p}. */
    private static double rssKib(Sandbox sandbox, String setPid) {
        ExecResult r = sandbox.exec(
                GuestCommand.of(
                        "sh",
                        "-c",
                        setPid
                                + "; grep '^Rss:' /proc/$p/smaps_rollup | tr -dc 0-9; [ \"$p\" = \"$(pidof vc4j-agent)\" ] || kill $p"));
        if (r.exitCode() != 0 || r.stdoutText().isEmpty()) {
            throw new IllegalStateException("cannot read smaps_rollup: " + r.stderrText());
        }
        return Long.parseLong(r.stdoutText());
    }
}
