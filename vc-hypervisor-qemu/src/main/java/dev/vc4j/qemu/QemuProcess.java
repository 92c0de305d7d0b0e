package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.spi.GuestText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A QEMU process, started by this JVM ({@link #launch}) or by another one ({@link #attach}). Its stdout and
 * stderr go to a log file, not a pipe, so QEMU never blocks on a full pipe and outlives the JVM that
 * started it. Only a child's exit status is known; of another process's QEMU only that it is gone.
 */
final class QemuProcess {
    private static final int TAIL_BYTES = 2048;
    private static final Duration REAP_WAIT = Duration.ofSeconds(2);

    private final ProcessHandle handle;
    private final Process child;
    private final long startTime;
    private final Path log;
    private final Path console;
    private volatile Optional<ConsoleRing> consoleRing = Optional.empty();

    private QemuProcess(ProcessHandle handle, Process child, long startTime, Path log, Path console) {
        this.handle = handle;
        this.child = child;
        this.startTime = startTime;
        this.log = log;
        this.console = console;
    }

    /** The QEMU of {@code pid} if it still runs with that start time, so a recycled pid is never adopted. */
    static Optional<QemuProcess> attach(long pid, long startTime, Path log, Path console) {
        if (!ProcessIdentity.isRunning(pid, startTime)) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).map(h -> new QemuProcess(h, null, startTime, log, console));
    }

    static QemuProcess launch(List<String> argv, Path log, Path console) {
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new HypervisorException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        // read at once: the start time is what tells this process apart from a later one with its pid
        long startTime = ProcessIdentity.startTime(process.pid()).orElse(-1);
        return new QemuProcess(process.toHandle(), process, startTime, log, console);
    }

    /** The reader of the guest console, whose last bytes {@link #exitDescription} waits for. */
    void readsConsoleWith(Optional<ConsoleRing> ring) {
        consoleRing = ring;
    }

    /** The same process, its log and console files now at these paths (QEMU writes on through its descriptors). */
    QemuProcess movedTo(Path log, Path console) {
        QemuProcess moved = new QemuProcess(handle, child, startTime, log, console);
        moved.consoleRing = consoleRing;
        return moved;
    }

    long pid() {
        return handle.pid();
    }

    long startTime() {
        return startTime;
    }

    /** For a child, alive until reaped: its exit status is readable once this says false. */
    boolean isAlive() {
        return child != null ? child.isAlive() : handle.isAlive();
    }

    /** Completes when QEMU has ended (a child is reaped first). */
    CompletableFuture<?> onExit() {
        return child != null ? child.onExit() : handle.onExit();
    }

    boolean waitFor(Duration timeout) {
        try {
            onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !isAlive();
        }
    }

    /** SIGKILL and reap; QEMU cannot ignore it, so the wait is short. */
    void kill() {
        handle.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(10))) {
            throw new HypervisorException("QEMU (pid " + pid() + ") survived SIGKILL for 10 s");
        }
    }

    /** Why QEMU ended, with the last words of QEMU and of the guest console; a user can act on it. */
    String exitDescription() {
        String how = "has ended";
        // the kernel reports a process gone a moment before the JDK has reaped it and knows its status
        if (child != null && waitFor(REAP_WAIT) && !child.isAlive()) {
            int status = child.exitValue();
            how = status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status;
        }
        consoleRing.ifPresent(ring -> ring.awaitEnd(REAP_WAIT));
        String panic = ConsoleRing.panicLine(console)
                .map(line -> "; the guest kernel said: " + line)
                .orElse("");
        return "QEMU (pid " + pid() + ") " + how + panic + tail("QEMU said", log) + tail("guest console", console);
    }

    private static String tail(String label, Path file) {
        try {
            byte[] buf = ConsoleRing.lastBytes(file, TAIL_BYTES);
            String text = escapedLines(new String(buf, StandardCharsets.UTF_8).strip());
            return text.isEmpty() ? "" : "\n--- " + label + " (last " + buf.length + " bytes) ---\n" + text;
        } catch (IOException e) {
            return "";
        }
    }

    /** The guest writes what it likes to its console: each line bounded and escaped, the line breaks kept. */
    private static String escapedLines(String text) {
        return text.lines().map(line -> GuestText.bounded(line, TAIL_BYTES)).collect(Collectors.joining("\n"));
    }
}
