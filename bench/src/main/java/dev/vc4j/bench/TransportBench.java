package dev.vc4j.bench;

import dev.vc4j.Accelerator;
import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The agent transport against its floors, each measured in the same run:
 * <ul>
 * <li>a container's stdout through the API ({@code head -c N /dev/zero} in an exec, read from
 * {@link ContainerProcess#stdout()}) against the raw virtio-serial port of a bare VM (the guest writes /dev/zero into it,
 * the host reads its chardev socket; no agent, no gRPC); goal: at least 0.8 of the floor;</li>
 * <li>1 MiB through a container's stdin and back out of its stdout ({@code cat}) against the same raw port
 * echoing it;</li>
 * <li>an agent RPC round trip (Check on a session to the VM) against the same grpc-java call over a host unix
 * socket; goal: at most 3 times the floor.</li>
 * </ul>
 * One VM at a time: the sandbox first (which also tells the accelerator), then the bare VM on the same one.
 */
public final class TransportBench {
    private static final long STDOUT_BYTES = Long.getLong("stdoutMiB", 32) << 20;
    private static final int ECHO_BYTES = 1 << 20;
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final int BATCHES = 5;
    private static final int CALLS = Integer.getInteger("calls", 200);
    /** Calls before the measured ones, for the JIT: the host's grpc-java server has not run before its turn. */
    private static final int WARMUP_CALLS = 2000;

    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final double STDOUT_GOAL = 0.8;
    private static final double RPC_GOAL = 3;

    private TransportBench() {}

    public static void main(String[] args) throws Exception {
        double[] apiStdout = new double[ROUNDS];
        double[] apiEcho = new double[ROUNDS];
        double[] agentRpc;
        Accelerator accel;
        Path work = TempDirs.create("vc4j-bench-transport");
        try {
            VirtContainers vc = VirtContainers.create();
            Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                    .id("bench-transport-" + ProcessHandle.current().pid())
                    .volume(new Volume("bench", work))
                    .build());
            try {
                accel = sandbox.status().accelerator();
                Container c = sandbox.createContainer(ContainerConfig.builder()
                        .id("bench")
                        .rootfs(Rootfs.directory(busyboxRootfs(work.resolve("rootfs"))))
                        .cmd(Cmd.builder().args("sleep", "100000").build())
                        .build());
                c.start();
                for (int i = 0; i < ROUNDS; i++) {
                    apiStdout[i] = STDOUT_BYTES / (double) (1 << 20) / stdoutSeconds(c);
                    apiEcho[i] = echoMillis(c);
                }
                sandbox.close(); // QEMU's chardev serves one client: the session below takes the agent over
                Path socket =
                        vc.roots().run().resolve("sbs").resolve(sandbox.id()).resolve("agent.sock");
                try (AgentSession session =
                        new GrpcAgent().connect(socket, sandbox.config().agent(), WAIT, () -> {})) {
                    agentRpc = microsPerCall(session::check);
                }
            } finally {
                sandbox.close();
                try {
                    sandbox.stop(StopMode.IMMEDIATE); // a started container made it running: delete needs it stopped
                } finally {
                    sandbox.delete();
                }
            }
        } finally {
            TempDirs.remove(work);
        }
        double[] rawStdout = new double[ROUNDS];
        double[] rawEcho = new double[ROUNDS];
        try (RawVirtioSerial raw = RawVirtioSerial.boot(HypervisorConfig.defaults(), accel)) {
            for (int i = 0; i < ROUNDS; i++) {
                rawStdout[i] = STDOUT_BYTES / (double) (1 << 20) / raw.streamSeconds(STDOUT_BYTES);
            }
            raw.startEcho();
            for (int i = 0; i < ROUNDS; i++) {
                rawEcho[i] = raw.echoMillis(ECHO_BYTES);
            }
        }
        double[] hostRpc;
        try (HostGrpcFloor host = HostGrpcFloor.start()) {
            hostRpc = microsPerCall(host::check);
        }
        report(
                accel,
                Stats.of(rawStdout),
                Stats.of(apiStdout),
                Stats.of(rawEcho),
                Stats.of(apiEcho),
                Stats.of(hostRpc),
                Stats.of(agentRpc));
    }

    private static void report(
            Accelerator accel,
            Stats rawStdout,
            Stats apiStdout,
            Stats rawEcho,
            Stats apiEcho,
            Stats hostRpc,
            Stats agentRpc) {
        System.out.printf("accelerator %s, %d MiB per stdout round, %d rounds%n", accel, STDOUT_BYTES >> 20, ROUNDS);
        System.out.println("raw virtio-serial read (floor):        " + rawStdout.format("MiB/s"));
        System.out.println("container stdout through the API:      " + apiStdout.format("MiB/s"));
        double stdoutRatio = apiStdout.median() / rawStdout.median();
        System.out.printf(
                "ratio stdout / floor:                  %.2f (goal >= %.1f: %s)%n",
                stdoutRatio, STDOUT_GOAL, stdoutRatio >= STDOUT_GOAL ? "met" : "not met");
        System.out.println("raw virtio-serial 1 MiB echo (floor):  " + rawEcho.format("ms"));
        System.out.println("1 MiB stdin round trip through the API:" + apiEcho.format("ms"));
        System.out.printf("ratio stdin round trip / floor:        %.2f%n", apiEcho.median() / rawEcho.median());
        System.out.println("grpc-java Check on a host unix socket: " + hostRpc.format("us"));
        System.out.println("agent Check round trip (VM):           " + agentRpc.format("us"));
        double rpcRatio = agentRpc.median() / hostRpc.median();
        System.out.printf(
                "ratio agent RPC / host floor:          %.2f (goal <= %.0f: %s)%n",
                rpcRatio, RPC_GOAL, rpcRatio <= RPC_GOAL ? "met" : "not met");
    }

    /** Seconds from the exec until the last byte of {@link #STDOUT_BYTES} of /dev/zero was read from its stdout. */
    private static double stdoutSeconds(Container c) throws IOException {
        long start = System.nanoTime();
        try (ContainerProcess p = c.exec(Cmd.builder()
                .args("head", "-c", Long.toString(STDOUT_BYTES), "/dev/zero")
                .build())) {
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream out = p.stdout();
            for (int n; (n = out.read(buffer)) > 0; ) {
                total += n;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            check(total == STDOUT_BYTES && p.waitFor(WAIT) == 0, "head's stdout: " + total + " bytes");
            return seconds;
        }
    }

    /**
     * Milliseconds for {@link #ECHO_BYTES} to go into a {@code cat}'s stdin and come back out of its stdout, once a
     * first byte has made the trip (as the floor's echo, which is warm too).
     */
    private static double echoMillis(Container c) throws IOException {
        try (ContainerProcess p = c.exec(Cmd.builder().args("cat").build())) {
            OutputStream in = p.stdin();
            InputStream out = p.stdout();
            in.write(0);
            in.flush();
            check(out.read() == 0, "cat's first byte");
            long start = System.nanoTime();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    in.write(new byte[ECHO_BYTES]);
                    in.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] back = new byte[ECHO_BYTES];
            for (int got = 0, n; got < ECHO_BYTES; got += n) {
                n = out.read(back, got, ECHO_BYTES - got);
                check(n > 0, "cat's stdout ended after " + got + " bytes");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            writer.join();
            in.close();
            check(p.waitFor(WAIT) == 0, "cat's exit");
            return millis;
        }
    }

    /** Microseconds per call, one sample per batch of {@link #CALLS}, after {@link #WARMUP_CALLS}. */
    private static double[] microsPerCall(Runnable call) {
        for (int i = 0; i < WARMUP_CALLS; i++) {
            call.run();
        }
        double[] sample = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            sample[b] = (System.nanoTime() - start) / 1e3 / CALLS;
        }
        return sample;
    }

    /** Debian's static busybox with the applets the measurements run, inside the sandbox's volume. */
    private static Path busyboxRootfs(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String d : List.of("dev", "proc", "sys", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("sh", "head", "cat", "sleep")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        return dir;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("unexpected: " + what);
        }
    }
}
