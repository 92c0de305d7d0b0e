package dev.vc4j.it.engines;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One run of an engine's command line with a deadline: what it printed and how it ended. */
record Command(List<String> args, int exitCode, String stdout, String stderr) {

    /** Its output for a failure message. */
    String describe() {
        return String.join(" ", args) + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }

    /**
     * Runs {@code args} with {@code environment} added to this process's, {@code stdin} as its input (closed after,
     * so a reader sees its end), and waits at most {@code deadline}. Past it, the command and what it started are
     * killed and an AssertionError names it.
     */
    static Command run(Map<String, String> environment, String stdin, Duration deadline, List<String> args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(args);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException closedEarly) {
            // the command ended without reading all its input: its exit code and output say what happened
        }
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", args) + " did not end within " + deadline + "\nstdout: "
                    + out.getNow("") + "\nstderr: " + err.getNow(""));
        }
        return new Command(args, process.exitValue(), collect(out, args), collect(err, args));
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The rest of a stream whose process has ended; a daemon it left holding the pipe open must not hang us. */
    private static String collect(CompletableFuture<String> stream, List<String> args) throws InterruptedException {
        try {
            return stream.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("reading the output of " + String.join(" ", args), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(String.join(" ", args) + " ended but its output stayed open for 30 s");
        }
    }
}
