package dev.vc4j.bench;

import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cold boot against its floors, in alternating rounds so that both see the same machine load: T1, T2 and M1
 * of a sandbox (see {@link SandboxBoot}), B0 and B1 of the same VM booted bare ({@link BareQemu}), B2 the same
 * bundle run by an OCI runtime on the host ({@link OciRuntimeFloor}).
 */
final class ColdBootFigures {
    private final List<Double> b0 = new ArrayList<>();
    private final List<Double> b1Rss = new ArrayList<>();
    private final List<Double> b1Pss = new ArrayList<>();
    private final List<Double> b2 = new ArrayList<>();
    private final List<Double> t1 = new ArrayList<>();
    private final List<Double> t2 = new ArrayList<>();
    private final List<Double> m1Rss = new ArrayList<>();
    private final List<Double> m1Pss = new ArrayList<>();
    private List<String> sandboxArgv;
    private OciRuntimeFloor hostRuntime;

    static ColdBootFigures measure(VirtContainers vc, Path bundle, int rounds)
            throws IOException, InterruptedException {
        ColdBootFigures f = new ColdBootFigures();
        String prefix = "bench-cold-" + ProcessHandle.current().pid() + "-";
        f.hostRuntime = OciRuntimeFloor.find(bundle);
        // not measured: the first sandbox of a JVM loads its classes and, once per host boot, probes for KVM
        SandboxBoot.measure(vc, prefix + "warmup", bundle);
        for (int i = 0; i < rounds; i++) {
            SandboxBoot sb = SandboxBoot.measure(vc, prefix + i, bundle);
            f.sandboxArgv = sb.qemuArgv();
            f.t1.add(sb.readyMillis());
            f.t2.add(sb.firstOutputMillis());
            f.m1Rss.add(mib(sb.qemuMemory().rssKib()));
            f.m1Pss.add(mib(sb.qemuMemory().pssKib()));
            BareQemu.Boot bare = BareQemu.bootToMarker(sb.qemuArgv());
            f.b0.add(bare.millis());
            f.b1Rss.add(mib(bare.memory().rssKib()));
            f.b1Pss.add(mib(bare.memory().pssKib()));
            f.b2.add(f.hostRuntime.firstOutputMillis(bundle, prefix + "oci-" + i));
            System.err.printf(
                    "cold round %d: T1 %.0f ms, T2 %.0f ms, B0 %.0f ms, B2 %.0f ms%n",
                    i + 1, sb.readyMillis(), sb.firstOutputMillis(), bare.millis(), f.b2.get(i));
        }
        return f;
    }

    /** The OCI runtime that ran B2 here (crun, or runc): the other no-VM floors use it too. */
    String floorRuntime() {
        return hostRuntime.runtime();
    }

    /** The argv of the last sandbox's QEMU: what the other baselines boot bare. */
    List<String> sandboxArgv() {
        return sandboxArgv;
    }

    Figure b0() {
        return Figure.of("B0", "bare QEMU, same kernel+initrd, start to init marker", "ms", Stats.of(b0));
    }

    Figure b1Rss() {
        return Figure.of("B1", "bare QEMU RSS at the init marker", "MiB", Stats.of(b1Rss));
    }

    Figure b1Pss() {
        return Figure.of("B1p", "bare QEMU PSS at the init marker", "MiB", Stats.of(b1Pss));
    }

    List<Figure> figures() {
        Figure b2f = Figure.of(
                "B2", hostRuntime.runtime() + " run of the bundle on the host, to first output", "ms", Stats.of(b2));
        return List.of(
                b0(),
                b1Rss(),
                b1Pss(),
                b2f,
                Figure.of("T1", "createSandbox to ready, cold", "ms", Stats.of(t1))
                        .against(b0())
                        .goalRatio(1.15),
                Figure.of("T2", "createSandbox to a container's first output, cold", "ms", Stats.of(t2))
                        .against(b0())
                        .goalRatio(1.3)
                        .note(String.format(
                                "%.0f x B2", Stats.of(t2).median() / b2f.stats().median())),
                Figure.of("M1", "QEMU RSS per sandbox at ready, cold", "MiB", Stats.of(m1Rss))
                        .against(b1Rss())
                        .goalRatio(1.05),
                Figure.of("M1p", "QEMU PSS per sandbox at ready, cold", "MiB", Stats.of(m1Pss))
                        .against(b1Pss())
                        .goalRatio(1.05));
    }

    static double mib(long kib) {
        return kib / 1024.0;
    }
}
