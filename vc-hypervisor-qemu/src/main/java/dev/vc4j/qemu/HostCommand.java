package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short host program the driver runs and waits for (qemu-img, nsenter), within a deadline. */
final class HostCommand {
    private HostCommand() {}

    /**
     * Runs {@code argv} with nothing on its standard input; returns its output (stdout and stderr), or throws with
     * it where it fails or outlasts {@code timeout}.
     */
    static String run(List<String> argv, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile("vc4j-command", ".out");
            Process p = new ProcessBuilder(new ArrayList<>(argv))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HypervisorException(argv + " did not finish within " + timeout.toSeconds() + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new HypervisorException(argv + " failed (status " + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new HypervisorException("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted while running " + argv, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless
                }
            }
        }
    }
}
