package dev.vc4j.bench;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A container's byte streams against the raw virtio-serial port of a bare VM ({@link RawVirtioSerial}: the guest
 * writes /dev/zero into a second port, the host reads its chardev socket; no agent, no gRPC):
 * <ul>
 * <li>S1: a container's stdout through the API ({@code head -c N /dev/zero} in an exec, read from
 * {@link ContainerProcess#stdout()}); goal: at least 0.8 of the floor;</li>
 * <li>S2: 1 MiB through a container's stdin and back out of its stdout ({@code cat}) against the same raw port
 * echoing it.</li>
 * </ul>
 * The API side runs on a live sandbox's container, the floor after that sandbox is gone: one VM at a time.
 */
final class StreamFigures {
    private static final long STDOUT_BYTES = Long.getLong("stdoutMiB", 16) << 20;
    private static final int ECHO_BYTES = 1 << 20;
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final double STDOUT_GOAL = 0.8;

    private final double[] apiStdout;
    private final double[] apiEcho;

    private StreamFigures(double[] apiStdout, double[] apiEcho) {
        this.apiStdout = apiStdout;
        this.apiEcho = apiEcho;
    }

    /** The API side, on {@code c}, a running container with busybox's head and cat. */
    static StreamFigures measureApi(Container c, int rounds) throws IOException {
        double[] stdout = new double[rounds];
        double[] echo = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            stdout[i] = STDOUT_BYTES / (double) (1 << 20) / stdoutSeconds(c);
            echo[i] = echoMillis(c);
        }
        return new StreamFigures(stdout, echo);
    }

    /** The floor on the bare VM {@code sandboxArgv} describes, and the figures against it. */
    List<Figure> againstFloor(List<String> sandboxArgv, int rounds) throws IOException {
        double[] rawStdout = new double[rounds];
        double[] rawEcho = new double[rounds];
        try (RawVirtioSerial raw = RawVirtioSerial.boot(sandboxArgv)) {
            for (int i = 0; i < rounds; i++) {
                rawStdout[i] = STDOUT_BYTES / (double) (1 << 20) / raw.streamSeconds(STDOUT_BYTES);
            }
            raw.startEcho();
            for (int i = 0; i < rounds; i++) {
                rawEcho[i] = raw.echoMillis(ECHO_BYTES);
            }
        }
        Figure stdoutFloor =
                Figure.of("S1f", "raw virtio-serial read of a bare VM (floor)", "MiB/s", Stats.of(rawStdout));
        Figure echoFloor = Figure.of("S2f", "raw virtio-serial 1 MiB echo (floor)", "ms", Stats.of(rawEcho));
        Figure stdout = Figure.of("S1", "container stdout through the API", "MiB/s", Stats.of(apiStdout))
                .against(stdoutFloor);
        return List.of(
                stdoutFloor,
                stdout.goalRatioAtLeast(STDOUT_GOAL),
                echoFloor,
                Figure.of("S2", "1 MiB through a container's stdin and back", "ms", Stats.of(apiEcho))
                        .against(echoFloor));
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

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("unexpected: " + what);
        }
    }
}
