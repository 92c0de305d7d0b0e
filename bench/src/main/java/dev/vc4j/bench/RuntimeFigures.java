package dev.vc4j.bench;

import dev.vc4j.oci.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * V1-V3: the start-up cost of vc-runtime's command line, which engines pay on every call: {@code state} of a
 * running container and {@code run} of {@code echo hello} end to end, each against a runtime without a VM on the
 * same bundle (the floor: crun, runc where crun refuses the host), as medians and their ratio; and the resident
 * memory of the process {@code create}'s {@code --pid-file} names (vc-runtime's shim). Calls of the two runtimes
 * are interleaved, so that the machine's load at any moment weighs on both alike.
 */
final class RuntimeFigures {
    private static final long DEADLINE_SECONDS = 120;
    private static final double STATE_GOAL_MS = 150;
    private static final double SHIM_RSS_GOAL_MIB = 64;

    private final Path dir;
    /** The container {@code state} is asked about: it sleeps. */
    private final Path sleepBundle;
    /** The container {@code run} runs: it prints hello. */
    private final Path echoBundle;

    private RuntimeFigures(Path dir) {
        this.dir = dir;
        this.sleepBundle = dir.resolve("sleep-bundle");
        this.echoBundle = dir.resolve("echo-bundle");
    }

    static List<Figure> measure(Path runtime, String floorName, int runs) throws IOException, InterruptedException {
        Path floor = Path.of("/usr/bin", floorName);
        Path dir = TempDirs.create("vc4j-runtime-bench");
        try {
            RuntimeFigures bench = new RuntimeFigures(dir);
            layBundle(bench.sleepBundle, floor, List.of("/bin/busybox", "sleep", "1000"));
            layBundle(bench.echoBundle, floor, List.of("/bin/busybox", "echo", "hello"));
            List<Measured> measured = bench.measure(List.of(floor, runtime), runs);
            Figure stateFloor = Figure.of(
                    "V1f",
                    floorName + " state of a running container (floor)",
                    "ms",
                    measured.get(0).state());
            Figure runFloor = Figure.of(
                    "V2f",
                    floorName + " run echo hello, end to end (floor)",
                    "ms",
                    measured.get(0).run());
            Measured vc = measured.get(1);
            return List.of(
                    stateFloor,
                    Figure.of("V1", "vc-runtime state of a running container", "ms", vc.state())
                            .against(stateFloor)
                            .goalAtMost(STATE_GOAL_MS, vc.state().median()),
                    runFloor,
                    Figure.of("V2", "vc-runtime run echo hello, end to end", "ms", vc.run())
                            .against(runFloor),
                    Figure.of("V3", "vc-runtime shim RSS per sandbox", "MiB", vc.pidFileRss())
                            .goalAtMost(SHIM_RSS_GOAL_MIB, vc.pidFileRss().median()));
        } finally {
            TempDirs.remove(dir);
        }
    }

    /** A runtime's samples: {@code state}, {@code run echo hello}, and the pid file's process RSS in MiB. */
    private record Measured(Stats state, Stats run, Stats pidFileRss) {}

    /** A container of the sleep bundle, created and started by one runtime under a root of its own. */
    private record Running(Path runtime, Path root, String id, Path pidFile) {}

    /**
     * Each runtime's figures, its calls interleaved with the others' so that the machine's load at any moment
     * weighs on all of them alike.
     */
    private List<Measured> measure(List<Path> runtimes, int runs) throws IOException, InterruptedException {
        List<Running> running = new ArrayList<>();
        try {
            for (Path runtime : runtimes) {
                Path root = Files.createTempDirectory(dir, "root");
                String id = "bench-state-" + running.size();
                Path pidFile = dir.resolve(id + ".pid");
                call(runtime, root, "create", "--bundle", sleepBundle.toString(), "--pid-file", pidFile.toString(), id);
                running.add(new Running(runtime, root, id, pidFile));
                call(runtime, root, "start", id);
            }
            double[][] state = new double[runtimes.size()][runs];
            double[][] run = new double[runtimes.size()][runs];
            for (int i = 0; i < runs; i++) {
                String runId = "bench-run-" + i;
                for (int r = 0; r < running.size(); r++) {
                    Running c = running.get(r);
                    state[r][i] = millis(() -> call(c.runtime(), c.root(), "state", c.id()));
                    run[r][i] = millis(() -> {
                        String out = call(c.runtime(), c.root(), "run", "--bundle", echoBundle.toString(), runId);
                        if (!out.equals("hello\n")) {
                            throw new IllegalStateException(c.runtime() + " run printed " + out);
                        }
                    });
                }
            }
            List<Measured> figures = new ArrayList<>();
            for (int r = 0; r < running.size(); r++) {
                // read once the container has settled: right after start, runc's init may still be exec'ing
                double rssMib = vmRssKib(Long.parseLong(
                                Files.readString(running.get(r).pidFile()).strip()))
                        / 1024.0;
                figures.add(new Measured(Stats.of(state[r]), Stats.of(run[r]), Stats.of(new double[] {rssMib})));
            }
            return figures;
        } finally {
            for (Running c : running) {
                call(c.runtime(), c.root(), "delete", "--force", c.id());
            }
        }
    }

    /** VmRSS of {@code pid} in KiB, from /proc/PID/status: a shim's resident memory. */
    static long vmRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("process " + pid + " has no VmRSS (a kernel thread, or gone)");
    }

    /**
     * A bundle of Debian's busybox-static running {@code args}: the config.json is the floor runtime's {@code spec},
     * adjusted through the model. Each bundle has its own copy of the rootfs, as runc refuses a linked one.
     */
    private static void layBundle(Path bundleDir, Path floor, List<String> args)
            throws IOException, InterruptedException {
        Path rootfs = Files.createDirectories(bundleDir.resolve("rootfs"));
        for (String d : List.of("bin", "dev", "proc", "sys", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Process spec = new ProcessBuilder(floor.toString(), "spec", "--bundle", bundleDir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(spec.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!spec.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || spec.exitValue() != 0) {
            throw new IllegalStateException(floor + " spec failed: " + output);
        }
        writeConfig(bundleDir, args);
    }

    private static void writeConfig(Path bundleDir, List<String> args) throws IOException {
        Path config = bundleDir.resolve("config.json");
        Spec spec = Spec.parse(Files.readString(config));
        Spec adjusted = spec.toBuilder()
                .process(spec.process().toBuilder().terminal(false).args(args).build())
                .build();
        Files.writeString(config, adjusted.toJson());
    }

    /** {@code runtime --root ROOT ARGS} with a deadline; returns its stdout, throws with its output on failure. */
    private String call(Path runtime, Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(runtime.toString(), "--root", root.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("call.out");
        Path err = dir.resolve("call.err");
        // files, not pipes: a container created here keeps its stdio open long after the call returns
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " did not end in " + DEADLINE_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited " + process.exitValue() + ": " + Files.readString(err));
        }
        return Files.readString(out);
    }

    private interface Timed {
        void run() throws IOException, InterruptedException;
    }

    private static double millis(Timed timed) throws IOException, InterruptedException {
        long start = System.nanoTime();
        timed.run();
        return (System.nanoTime() - start) / 1e6;
    }
}
