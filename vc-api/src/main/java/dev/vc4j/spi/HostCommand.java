package dev.vc4j.spi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a short host program the drivers need (qemu-img, mount, nsenter, ip, tc) and waits for it: argv only, no
 * shell, nothing on its standard input, within a deadline, its output bounded. Each module throws its own typed
 * exception, made by the {@link Failure} it passes, so that a caller's callers see the error code they expect.
 */
public final class HostCommand {
    /** What a run may print on its standard output; the drivers' programs print a few KB. */
    public static final int MAX_OUTPUT = 1 << 20;
    /** How much of a failed run's output its error message quotes. */
    public static final int MAX_QUOTED = 2000;
    /** How long a killed program may take to be reaped: SIGKILL cannot be caught, only a stuck kernel call delays it. */
    private static final Duration REAP = Duration.ofSeconds(5);

    /** Makes a module's exception from a message naming the command; {@code cause} is null unless Java failed. */
    @FunctionalInterface
    public interface Failure {
        RuntimeException of(String message, Throwable cause);
    }

    private HostCommand() {}

    /**
     * Runs {@code argv} and returns its standard output. Throws {@code failure}'s exception naming the command where
     * it cannot start, outlasts {@code deadline} (it is killed, with what it started), exits other than 0 (with its
     * status and its trimmed output) or prints more than {@link #MAX_OUTPUT} bytes (a cut output read as whole would
     * mislead its caller).
     */
    public static String run(List<String> argv, Duration deadline, Failure failure) {
        String shown = String.join(" ", argv);
        Path out = null;
        Path err = null;
        InputStream outRead = null;
        InputStream errRead = null;
        Process process = null;
        try {
            // files, not pipes: a program that floods its output, or a child of it that keeps a pipe open, cannot
            // block the wait; the deadline bounds what it writes
            out = Files.createTempFile("vc4j-command", ".out");
            err = Files.createTempFile("vc4j-command", ".err");
            // read through descriptors opened now, and the names removed once the program has its own: from its
            // start on, a JVM killed mid-run leaves no file behind
            outRead = Files.newInputStream(out);
            errRead = Files.newInputStream(err);
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            delete(out);
            delete(err);
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure.of(shown + " did not finish within " + deadline.toMillis() + " ms", null);
            }
            byte[] output = outRead.readNBytes(MAX_OUTPUT + 1);
            if (process.exitValue() != 0) {
                throw failure.of(
                        shown + " failed with status " + process.exitValue() + ": " + quoted(errRead, output), null);
            }
            if (output.length > MAX_OUTPUT) {
                throw failure.of(shown + " printed more than " + MAX_OUTPUT + " bytes", null);
            }
            return text(output);
        } catch (IOException e) {
            throw failure.of("cannot run " + shown + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.of("interrupted while running " + shown, e);
        } finally {
            kill(process);
            close(outRead);
            close(errRead);
            delete(out);
            delete(err);
        }
    }

    /** What a failed run said: its standard error, then its standard output, trimmed and cut for a message. */
    private static String quoted(InputStream err, byte[] output) throws IOException {
        String said =
                (text(err.readNBytes(MAX_QUOTED)).strip() + "\n" + text(output).strip()).strip();
        return said.length() > MAX_QUOTED ? said.substring(0, MAX_QUOTED) + "..." : said;
    }

    /**
     * Kills a run that is still going (past its deadline, or its waiter interrupted) and what it started, and reaps
     * it, so that no process outlives its run. Its children are listed first: once it dies they are no longer its.
     */
    private static void kill(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> started = process.descendants().toList();
        started.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        // the program's children are reaped by init, not by us: wait for their end too, within the same bound
        long deadline = System.nanoTime() + REAP.toNanos();
        try {
            process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
            for (ProcessHandle child : started) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a child stuck in the kernel past the bound: SIGKILL is sent, nothing more can be done from here
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // a reader of our own temporary file: nothing is lost
            }
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file of our own that nothing reads any more
            }
        }
    }
}
