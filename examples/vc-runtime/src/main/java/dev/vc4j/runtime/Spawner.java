package dev.vc4j.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Starts the host processes vc-runtime leaves behind (a container's shim, a detached exec's relay) as children
 * that inherit this process's stdio, and waits until one reports that it is up.
 */
final class Spawner {
    /** Under TCG a loaded 2-core machine boots a VM in well under this. */
    static final Duration READY_DEADLINE = Duration.ofMinutes(3);

    /** A starter that has read its child's report only writes a pid file before it exits. */
    static final Duration STARTER_EXIT_DEADLINE = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 20;

    private Spawner() {}

    /**
     * Set in a child's environment: the launcher script gives a process that stays (a shim, a relay) JVM flags
     * for a small resident size rather than for a quick start, and removes the variable again.
     */
    static final String RESIDENT_ENV = "VC_RUNTIME_RESIDENT";

    /** {@code vc-runtime GLOBAL-FLAGS ARGS}: through the launcher script when this JVM was started by it. */
    static Process start(VcRuntime runtime, List<String> args) {
        List<String> command = new ArrayList<>();
        String launcher = System.getProperty("vc-runtime.launcher");
        if (launcher != null) {
            command.add(launcher);
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), VcRuntime.class.getName()));
        }
        command.addAll(runtime.globalFlags());
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().put(RESIDENT_ENV, "1");
            return builder.start();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Polls {@code outcome} until it is non-null: what the child reported. A child that ends first, or outlives
     * the deadline (it is then killed), is a failure.
     */
    static <T> T await(Process child, Supplier<T> outcome, String what) {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (true) {
            T reported = outcome.get();
            if (reported != null) {
                return reported;
            }
            if (!child.isAlive()) {
                throw new RuntimeFailure(what + " ended with exit code " + child.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                throw new RuntimeFailure(what + " was not ready within " + READY_DEADLINE.toMinutes() + " minutes");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroyForcibly();
                throw new RuntimeFailure("interrupted while waiting for " + what, e);
            }
        }
    }

    /**
     * Waits until this process's parent is no longer {@code starter}, or the deadline passes. A detached exec's
     * relay exits only then: its starter is a JVM, which reaps its children itself, so an exit before the starter's
     * would never reach the engine's subreaper (conmon, containerd's shim) that waits on the pid in the pid file
     * for the exec's exit code; once the starter is gone the relay is the subreaper's child.
     */
    static void outlive(long starter, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == starter
                && System.nanoTime() < end) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes {@code pid} to {@code file} through a renamed temporary file; its directory must exist. */
    static void writePidFile(Path file, long pid) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pid", ".tmp");
            Files.writeString(tmp, Long.toString(pid));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RuntimeFailure("cannot write the pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The pid file's directory must exist before anything is started. */
    static void checkPidFile(Path file) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RuntimeFailure(
                    "cannot write the pid file " + file + ": the directory " + dir + " does not exist");
        }
    }
}
