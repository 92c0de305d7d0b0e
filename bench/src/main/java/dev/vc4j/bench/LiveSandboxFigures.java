package dev.vc4j.bench;

import dev.vc4j.Bundle;
import dev.vc4j.Container;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;
import org.openjdk.jmh.annotations.Mode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The figures of one live sandbox with a running container, then its floors once it is gone (one VM at a time):
 * M3 (the agent's RSS in the guest, busybox's idle sleep beside it as the smallest static process there is),
 * R2, R3, the API side of the streams, R1 on a bare agent session to the VM, the streams' floor on a bare VM, and
 * B3 (the same Check over a host unix socket).
 */
final class LiveSandboxFigures {
    private static final double AGENT_RSS_GOAL_KIB = 2048;
    private static final int SAMPLES = 5;
    private static final Duration CONNECT = Duration.ofMinutes(2);

    private LiveSandboxFigures() {}

    static List<Figure> measure(VirtContainers vc, Path bundle, List<String> sandboxArgv, int rounds, Jmh jmh)
            throws IOException, InterruptedException {
        List<Figure> figures = new ArrayList<>();
        Stats r1;
        StreamFigures streams;
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                .id("bench-live-" + ProcessHandle.current().pid())
                .build());
        try {
            figures.addAll(agentFootprint(sandbox));
            Container c = sandbox.createContainer(
                    Bundle.read(bundle).toConfig().id("live").build());
            c.start();
            AgentCalls.sandbox = sandbox;
            AgentCalls.container = c;
            figures.add(Figure.of(
                    "R2",
                    "Sandbox.status() throughput",
                    "ops/s",
                    jmh.run("sandboxStatus", Mode.Throughput, TimeUnit.SECONDS)));
            figures.add(Figure.of(
                    "R3",
                    "exec of true in a container, round trip",
                    "ms",
                    jmh.run("execTrue", Mode.AverageTime, TimeUnit.MILLISECONDS)));
            streams = StreamFigures.measureApi(c, rounds);
            sandbox.close(); // QEMU's chardev serves one client: the session below takes the agent over
            Path socket = vc.roots().run().resolve("sbs").resolve(sandbox.id()).resolve("agent.sock");
            try (AgentSession session =
                    new GrpcAgent().connect(socket, sandbox.config().agent(), CONNECT, () -> {})) {
                AgentCalls.session = session;
                r1 = jmh.run("agentCheck", Mode.AverageTime, TimeUnit.MICROSECONDS);
            }
        } finally {
            AgentCalls.sandbox = null;
            AgentCalls.container = null;
            AgentCalls.session = null;
            sandbox.close();
            try {
                sandbox.stop(StopMode.IMMEDIATE);
            } finally {
                sandbox.delete();
            }
        }
        Stats b3;
        try (HostGrpcFloor floor = HostGrpcFloor.start()) {
            AgentCalls.floor = floor;
            b3 = jmh.run("hostCheck", Mode.AverageTime, TimeUnit.MICROSECONDS);
        } finally {
            AgentCalls.floor = null;
        }
        Figure b3f = Figure.of("B3", "grpc-java unary Check over a host unix socket", "us", b3);
        figures.add(b3f);
        figures.add(Figure.of("R1", "agent Check round trip (VM, virtio-serial)", "us", r1)
                .against(b3f)
                .goalRatio(3));
        figures.addAll(streams.againstFloor(sandboxArgv, rounds));
        return figures;
    }

    private static List<Figure> agentFootprint(Sandbox sandbox) {
        double[] agent = new double[SAMPLES];
        double[] sleep = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            agent[i] = rssKib(sandbox, "p=$(pidof vc4j-agent)");
            sleep[i] = rssKib(sandbox, "sleep 60 </dev/null >/dev/null 2>&1 & p=$!; sleep 0.3");
        }
        Figure sleepFigure = Figure.of("M3f", "busybox sleep RSS in the guest (floor)", "KiB", Stats.of(sleep));
        Figure agentFigure = Figure.of("M3", "agent RSS in the guest, idle", "KiB", Stats.of(agent))
                .against(sleepFigure);
        return List.of(
                sleepFigure,
                agentFigure.goalAtMost(AGENT_RSS_GOAL_KIB, agentFigure.stats().median()));
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
