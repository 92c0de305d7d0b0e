package dev.vc4j.network;

import dev.vc4j.NetworkException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2 ({@code ip}, {@code tc}) inside a network namespace through {@code nsenter --net=PATH}, or on the
 * host: argv only, no shell, each with a deadline and its output bounded.
 */
final class Nsenter {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** iproute2's JSON for a pod's few links, routes and neighbours is a few KB. */
    private static final int MAX_OUTPUT = 1 << 20;

    private final Path namespace;

    Nsenter(Path namespace) {
        this.namespace = namespace;
    }

    /** {@code argv} prefixed so that it runs in the namespace. */
    static List<String> prefix(Path namespace) {
        return List.of("nsenter", "--net=" + namespace, "--");
    }

    /** Runs {@code argv} in the namespace and returns its standard output; a failure names the command. */
    String run(String... argv) {
        List<String> command = new ArrayList<>(prefix(namespace));
        command.addAll(List.of(argv));
        return runCommand(command);
    }

    /** Runs {@code argv} in the JVM's own namespace, such as {@code ip netns add}; as {@link #run}. */
    static String onHost(String... argv) {
        return runCommand(List.of(argv));
    }

    private static String runCommand(List<String> command) {
        String shown = String.join(" ", command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("vc4j-nsenter", ".out");
            err = Files.createTempFile("vc4j-nsenter", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new NetworkException(shown + " did not finish within " + DEADLINE.toMillis() + " ms");
            }
            if (process.exitValue() != 0) {
                throw new NetworkException(shown + " failed with status " + process.exitValue() + ": "
                        + head(err, 2000).strip());
            }
            return head(out, MAX_OUTPUT);
        } catch (IOException e) {
            throw new NetworkException("cannot run " + shown + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while running " + shown, e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static String head(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(max), StandardCharsets.UTF_8);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file of our own that nothing reads any more
            }
        }
    }
}
