package dev.vc4j.bench;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * T1t, T1p, T2 from a template, M1 of a clone and D1 (density), measured as the cold figures are, with the
 * runtimes of {@link TemplateRuntimes}; not available while those are empty.
 */
final class TemplateFigures {
    private static final int DENSITY_GOAL = 100;
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(2);
    /** What density leaves the host: it stops adding sandboxes below this much available memory. */
    private static final long RESERVE_KIB = 2L << 20;

    private TemplateFigures() {}

    static List<Figure> measure(ColdBootFigures cold, Path bundle, int rounds)
            throws IOException, InterruptedException {
        List<Figure> figures = new ArrayList<>();
        VirtContainers templated = TemplateRuntimes.templated();
        List<SandboxBoot> boots = boots(templated, "bench-tpl-", bundle, rounds);
        figures.add(Figure.of("T1t", "createSandbox to ready, from a template", "ms", ready(boots))
                .against(cold.b0())
                .goalRatio(0.05));
        figures.add(Figure.of(
                        "T2t",
                        "createSandbox to a container's first output, template",
                        "ms",
                        Stats.of(boots.stream()
                                .mapToDouble(SandboxBoot::firstOutputMillis)
                                .toArray()))
                .against(cold.b0())
                .goalRatio(0.1));
        figures.add(Figure.of("M1t", "QEMU RSS per sandbox at ready, clone", "MiB", memory(boots, ProcMemory::rssKib))
                .against(cold.b1Rss()));
        figures.add(Figure.of("M1tp", "QEMU PSS per sandbox at ready, clone", "MiB", memory(boots, ProcMemory::pssKib))
                .against(cold.b1Pss())
                .goalRatio(0.3));
        figures.add(density(templated));
        figures.add(Figure.of(
                        "T1p",
                        "createSandbox to ready, from the pool",
                        "ms",
                        ready(boots(TemplateRuntimes.pooled(), "bench-pool-", bundle, rounds)))
                .against(cold.b0())
                .goalRatio(0.02));
        return figures;
    }

    private static List<SandboxBoot> boots(VirtContainers vc, String prefix, Path bundle, int rounds)
            throws IOException {
        List<SandboxBoot> boots = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            boots.add(SandboxBoot.measure(vc, prefix + ProcessHandle.current().pid() + "-" + i, bundle));
        }
        return boots;
    }

    private static Stats memory(List<SandboxBoot> boots, ToLongFunction<ProcMemory> kib) {
        return Stats.of(boots.stream()
                .mapToDouble(b -> ColdBootFigures.mib(kib.applyAsLong(b.qemuMemory())))
                .toArray());
    }

    private static Stats ready(List<SandboxBoot> boots) {
        return Stats.of(boots.stream().mapToDouble(SandboxBoot::readyMillis).toArray());
    }

    /**
     * D1: sandboxes added one at a time while every one of them still answers a Check within 2 s, until
     * {@link #DENSITY_GOAL} or the host's available memory falls to {@link #RESERVE_KIB}. One run: the figure is
     * the count it reached.
     */
    private static Figure density(VirtContainers vc) throws IOException {
        List<Sandbox> running = new ArrayList<>();
        String stopReason = "reached " + DENSITY_GOAL;
        try {
            while (running.size() < DENSITY_GOAL) {
                if (ProcMemory.hostAvailableKib() < RESERVE_KIB) {
                    stopReason = "host memory ran short";
                    break;
                }
                running.add(vc.createSandbox(SandboxConfig.builder()
                        .id("bench-density-" + ProcessHandle.current().pid() + "-" + running.size())
                        .build()));
                long slow = running.stream()
                        .filter(sb -> !answersWithin(sb, CHECK_DEADLINE))
                        .count();
                if (slow > 0) {
                    stopReason = slow + " sandboxes did not answer in " + CHECK_DEADLINE.toSeconds() + " s";
                    running.remove(running.size() - 1).delete();
                    break;
                }
            }
        } finally {
            for (Sandbox sb : running) {
                sb.close();
                sb.delete();
            }
        }
        double reached = running.size();
        return Figure.of(
                        "D1", "sandboxes at once, each answering an agent call in 2 s", "count", Stats.of(new double[] {
                            reached
                        }))
                .note(stopReason + "; "
                        + ManagementFactory.getOperatingSystemMXBean().getAvailableProcessors() + " cores, goal >= "
                        + DENSITY_GOAL);
    }

    private static boolean answersWithin(Sandbox sandbox, Duration deadline) {
        long start = System.nanoTime();
        sandbox.guestDetails();
        return System.nanoTime() - start <= deadline.toNanos();
    }
}
