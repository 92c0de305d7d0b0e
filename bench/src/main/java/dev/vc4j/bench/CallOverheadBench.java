package dev.vc4j.bench;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the core adds to one call: Sandbox.guestDetails() (lock, state read and parse, liveness check, RPC)
 * against the same RPC on a bare agent session (baseline), on one VM, interleaved in batches.
 */
public final class CallOverheadBench {
    private static final int BATCHES = 10;
    private static final int CALLS = Integer.getInteger("calls", 50);

    private CallOverheadBench() {}

    public static void main(String[] args) {
        VirtContainers vc = VirtContainers.create();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                .id("bench-calls-" + ProcessHandle.current().pid())
                .build());
        try {
            Path socket = vc.roots().run().resolve("sbs").resolve(sandbox.id()).resolve("agent.sock");
            double[] bare = new double[BATCHES];
            double[] api = new double[BATCHES];
            for (int b = 0; b < BATCHES; b++) {
                sandbox.close(); // one client at a time on the agent's socket
                try (AgentSession session =
                        new GrpcAgent().connect(socket, sandbox.config().agent(), Duration.ofSeconds(30), () -> {})) {
                    bare[b] = microsPerCall(session::guestDetails);
                }
                sandbox.guestDetails(); // reconnect outside the measurement
                api[b] = microsPerCall(sandbox::guestDetails);
            }
            Stats base = Stats.of(bare);
            Stats full = Stats.of(api);
            System.out.println("bare agent session, GetGuestDetails: " + base.format("us"));
            System.out.println("Sandbox.guestDetails():              " + full.format("us"));
            System.out.printf("ratio API / bare RPC:                %.2f%n", full.median() / base.median());
        } finally {
            sandbox.close();
            sandbox.delete();
        }
    }

    private static double microsPerCall(Runnable call) {
        long start = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / 1e3 / CALLS;
    }
}
