package dev.vc4j.bench;

import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code make bench}: every figure with its baseline measured in the same run, as a table on stdout and as JSON
 * ({@code -Dbench.json}, by default bench/target/bench.json). {@code --long} takes more rounds, longer JMH
 * iterations and M2 over 20 sandboxes; {@code -Dbench.rounds} and {@code -Dbench.sandboxes} set those two counts. Progress and vc4j's log go to stderr. At most one VM runs at a time, except for M2 (and D1), whose
 * figure is the cost of many at once.
 */
public final class Bench {
    private static final int ROUNDS = 5;
    private static final int LONG_ROUNDS = 10;
    /** M2's count: the 20 in a long run, fewer by default to keep the run within minutes under TCG. */
    private static final int LIVE_SANDBOXES = 8;

    private static final int LONG_LIVE_SANDBOXES = 20;

    private Bench() {}

    public static void main(String[] args) throws Exception {
        boolean longRun = List.of(args).contains("--long");
        int rounds = Integer.getInteger("bench.rounds", longRun ? LONG_ROUNDS : ROUNDS);
        int liveSandboxes = Integer.getInteger("bench.sandboxes", longRun ? LONG_LIVE_SANDBOXES : LIVE_SANDBOXES);
        Path json = Path.of(System.getProperty("bench.json", "bench/target/bench.json"));
        String machine = machine();
        String when = Instant.now().toString();
        VirtContainers vc = VirtContainers.create();
        Path work = TempDirs.create("vc4j-bench");
        List<Figure> figures = new ArrayList<>();
        ColdBootFigures cold;
        try {
            Path hello = BusyboxBundle.create(work.resolve("hello"), "echo", "hello");
            Path sleeper = BusyboxBundle.create(work.resolve("sleeper"), "sleep", "100000");
            progress("cold boots, bare boots and crun, alternating");
            cold = ColdBootFigures.measure(vc, hello, rounds);
            figures.addAll(cold.figures());
            figures.addAll(section(
                    "templates and pool",
                    List.of("T1t", "T2t", "M1t", "M1tp", "D1", "T1p"),
                    () -> TemplateFigures.measure(cold, hello, rounds)));
            figures.addAll(section(
                    "one live sandbox: agent footprint, JMH, streams, then their floors",
                    List.of("M3f", "M3", "R2", "R3", "B3", "R1", "S1f", "S1", "S2f", "S2"),
                    () -> LiveSandboxFigures.measure(vc, sleeper, cold.sandboxArgv(), rounds, new Jmh(longRun))));
            figures.addAll(section(
                    "JVM memory per live sandbox",
                    List.of("M2"),
                    () -> List.of(JvmMemoryFigure.measure(vc, liveSandboxes))));
            figures.addAll(section(
                    "network throughput against two plain namespaces",
                    List.of("N1f", "N1", "N2"),
                    () -> NetworkFigures.measure(vc, rounds)));
            figures.addAll(section("QMP and hotplug", List.of("Q0", "Q1", "Q2"), () -> QmpFigures.measure(rounds)));
            figures.addAll(section("store without a VM", List.of("P0", "P1", "P2", "P3"), StoreFigures::measure));
            figures.addAll(section(
                    "vc-runtime against a runtime without a VM",
                    List.of("V1f", "V1", "V2f", "V2", "V3"),
                    () -> RuntimeFigures.measure(
                            Path.of(System.getProperty("bench.runtime", "examples/vc-runtime/bin/vc-runtime")),
                            cold.floorRuntime(),
                            rounds)));
        } finally {
            TempDirs.remove(work);
        }
        Report report = new Report(when, machine, accelerator(cold.sandboxArgv()), longRun, figures);
        report.print(System.out);
        report.writeJson(json);
        System.out.println("JSON: " + json);
    }

    private static String accelerator(List<String> qemuArgv) {
        int i = qemuArgv.indexOf("-accel");
        return i < 0 || i + 1 >= qemuArgv.size() ? "unknown" : qemuArgv.get(i + 1);
    }

    /** Cores, memory and the load when the run began: the figures are only comparable on a like machine. */
    private static String machine() throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        return String.format(
                "%d cores, %.1f GiB available, load %s",
                Runtime.getRuntime().availableProcessors(), ProcMemory.hostAvailableKib() / 1024.0 / 1024.0, load);
    }

    /** A section whose measurement failed: its figures print as not available with the reason, the rest go on. */
    private static List<Figure> section(String what, List<String> ids, Callable<List<Figure>> measure) {
        progress(what);
        try {
            return measure.call();
        } catch (Exception e) {
            e.printStackTrace();
            return ids.stream()
                    .map(id -> Figure.notAvailable(id, what, "failed: " + e))
                    .toList();
        }
    }

    private static void progress(String what) {
        System.err.println("== " + what);
    }
}
