package dev.vc4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * B2: an OCI runtime on the host running a bundle, from the call to the container's first byte of stdout. crun,
 * the guest's runtime, where it runs; crun refuses hosts with hybrid cgroups whose v2 hierarchy holds a
 * controller (this project's machines), and runc runs the same bundle there.
 */
final class OciRuntimeFloor {
    private static final List<String> RUNTIMES = List.of("crun", "runc");

    private final String runtime;

    private OciRuntimeFloor(String runtime) {
        this.runtime = runtime;
    }

    /** The first runtime that runs {@code bundle} on this host. */
    static OciRuntimeFloor find(Path bundle) throws IOException, InterruptedException {
        StringBuilder failures = new StringBuilder();
        for (String runtime : RUNTIMES) {
            OciRuntimeFloor floor = new OciRuntimeFloor(runtime);
            try {
                floor.firstOutputMillis(
                        bundle, "bench-probe-" + ProcessHandle.current().pid());
                return floor;
            } catch (IllegalStateException e) {
                failures.append(' ').append(e.getMessage());
            }
        }
        throw new IllegalStateException("no OCI runtime runs the bundle on this host:" + failures);
    }

    String runtime() {
        return runtime;
    }

    double firstOutputMillis(Path bundle, String id) throws IOException, InterruptedException {
        Path state = TempDirs.create("vc4j-bench-oci");
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(
                            runtime, "--root", state.toString(), "run", "--bundle", bundle.toString(), id)
                    .redirectError(state.resolve("stderr").toFile())
                    .start();
            try (InputStream out = p.getInputStream()) {
                int first = out.read();
                double millis = (System.nanoTime() - start) / 1e6;
                out.transferTo(OutputStream.nullOutputStream());
                boolean exited = p.waitFor(30, TimeUnit.SECONDS);
                if (first < 0 || !exited || p.exitValue() != 0) {
                    throw new IllegalStateException(
                            runtime + " run failed: " + java.nio.file.Files.readString(state.resolve("stderr")));
                }
                return millis;
            } finally {
                p.destroyForcibly();
            }
        } finally {
            TempDirs.remove(state);
        }
    }
}
