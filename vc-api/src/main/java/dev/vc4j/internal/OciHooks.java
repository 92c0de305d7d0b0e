package dev.vc4j.internal;

import dev.vc4j.Hook;
import dev.vc4j.HookException;
import dev.vc4j.Hooks;
import dev.vc4j.NetworkConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.oci.State;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.SandboxRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a sandbox's host-side hooks (see {@link Hooks}) as an OCI runtime does: each one in turn, with the
 * sandbox's OCI state as JSON on its stdin, its configured environment only, and killed when its timeout
 * expires. A hook fails when it cannot be run, exits with a status other than 0, or times out. Callers hold
 * the sandbox's exclusive lock. The log names a hook by its path, with how it ended: never its arguments, its
 * environment or its output (which may echo the state's annotations).
 */
public final class OciHooks {
    /** How much of a failed hook's output its error carries. */
    private static final int OUTPUT_TAIL = 2000;

    private final String sandboxId;
    private final Hooks hooks;
    /**
     * What prestart hooks run through: in netns mode they run in the sandbox's network namespace, as Kata's do, so
     * that a hook that sets up the pod's network sees the pod's links. A namespace vc4j creates has its path only
     * once created: {@link #prestartBeforeBoot} is given it.
     */
    private final List<String> prestartIn;
    /** With a namespace vc4j creates, the prestart hooks run at the boot, in it ({@link #prestartBeforeBoot}). */
    private final boolean prestartBeforeBoot;
    /** The sandbox's run directory, which the OCI state names as its bundle. */
    private final Path bundle;

    private final Events events;

    public OciHooks(String sandboxId, Hooks hooks, NetworkConfig network, Path bundle, Events events) {
        this.sandboxId = sandboxId;
        this.prestartBeforeBoot = network.createsNamespace();
        this.prestartIn = network.mode() == NetworkConfig.Mode.NETNS && !prestartBeforeBoot
                ? inNamespace(Path.of(network.namespace()))
                : List.of();
        this.hooks = hooks;
        this.bundle = bundle;
        this.events = events;
    }

    /**
     * Once the VM and agent of {@code running} are up, before any container starts: the first failure is thrown.
     * With a namespace vc4j creates they ran at the boot instead ({@link #prestartBeforeBoot}).
     */
    public void prestart(SandboxRecord running) {
        if (!prestartBeforeBoot) {
            runPrestart(prestartIn, state(running, State.CREATED));
        }
    }

    /**
     * In the network namespace vc4j has just created at {@code namespace}, before it reads the interfaces there and
     * the VM starts (as Kata runs them), so that a hook can put the pod's interfaces in it: the first failure is
     * thrown. The state has pid 0: no VM runs yet.
     */
    public void prestartBeforeBoot(Path namespace, Map<String, String> annotations) {
        runPrestart(
                inNamespace(namespace),
                OciSpec.state(sandboxId, State.CREATING, 0, bundle, annotations).toJson());
    }

    private void runPrestart(List<String> prefix, String state) {
        for (Hook hook : hooks.prestart()) {
            run("prestart", prefix, hook, state);
        }
    }

    private static List<String> inNamespace(Path namespace) {
        return List.of("nsenter", "--net=" + namespace, "--");
    }

    /** Once the sandbox runs: a failure is a warning and a {@link SandboxEvent.Type#HOOK_FAILED} event. */
    public void poststart(SandboxRecord running) {
        runEach("poststart", hooks.poststart(), state(running, State.RUNNING), this::failed);
    }

    /** Once the VM of {@code record} has ended: like poststart, a failure does not hold up the clean-up. */
    public void poststop(SandboxRecord record) {
        runEach(
                "poststop",
                hooks.poststop(),
                state(record.withState(SandboxState.STOPPED, null), State.STOPPED),
                this::failed);
    }

    private void failed(VcException e) {
        events.publish(sandboxId, SandboxEvent.Type.HOOK_FAILED);
    }

    /** The pid is the VM's. */
    private String state(SandboxRecord record, String status) {
        return OciSpec.state(
                        sandboxId, status, record.vm() == null ? 0 : record.vm().pid(), bundle, record.annotations())
                .toJson();
    }

    /** Runs {@code hooks} in order; the first failure ends the run and is thrown. */
    static void runAll(String stage, List<Hook> hooks, String stateJson) {
        for (Hook hook : hooks) {
            run(stage, hook, stateJson);
        }
    }

    /** Runs every one of {@code hooks} whatever the others do: a failure is handed to {@code onFailure}. */
    static void runEach(String stage, List<Hook> hooks, String stateJson, Consumer<VcException> onFailure) {
        for (Hook hook : hooks) {
            try {
                run(stage, hook, stateJson);
            } catch (HookException | VcTimeoutException e) {
                onFailure.accept(e);
            }
        }
    }

    /** {@code stage}: prestart, poststart or poststop, for the log. */
    static void run(String stage, Hook hook, String stateJson) {
        run(stage, List.of(), hook, stateJson);
    }

    /** {@code prefix}: the command {@code hook} runs through, such as nsenter, or nothing. */
    private static void run(String stage, List<String> prefix, Hook hook, String stateJson) {
        List<String> command = new ArrayList<>(prefix);
        command.add(hook.path().toString());
        if (hook.args().size() > 1) {
            command.addAll(hook.args().subList(1, hook.args().size())); // args[0] is argv[0]: the JDK passes the path
        }
        Path output = null;
        long started = System.nanoTime();
        try {
            output = Files.createTempFile("vc4j-hook", ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().clear();
            for (String entry : hook.env()) {
                int eq = entry.indexOf('=');
                builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
            }
            Process process = builder.start();
            try {
                feed(process, stateJson);
                if (!process.waitFor(hook.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    Logs.HOOKS.warn(
                            "{} hook {} timed out after {} ms and is killed",
                            stage,
                            hook.path(),
                            hook.timeout().toMillis());
                    throw new VcTimeoutException("hook " + hook.path(), hook.timeout(), null);
                }
            } finally {
                if (process.isAlive()) { // timed out or interrupted: it goes, and what it started with it
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor();
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (process.exitValue() != 0) {
                Logs.HOOKS.warn(
                        "{} hook {} exited with status {} after {} ms",
                        stage,
                        hook.path(),
                        process.exitValue(),
                        millis);
                throw new HookException(
                        hook.path(), "exited with status " + process.exitValue() + ": " + tail(output), null);
            }
            Logs.HOOKS.debug("{} hook {} ran in {} ms", stage, hook.path(), millis);
        } catch (IOException e) {
            // the JDK's message names the program, not its arguments
            Logs.HOOKS.warn("{} hook {} cannot be run: {}", stage, hook.path(), e.getMessage());
            throw new HookException(hook.path(), "cannot be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookException(hook.path(), "interrupted", e);
        } finally {
            deleteQuietly(output);
        }
    }

    /**
     * On its own thread, so that a hook that never reads cannot hold the caller past the timeout; a hook may
     * also exit without reading: the broken pipe is no failure of its own.
     */
    private static void feed(Process process, String stateJson) {
        Thread writer = LogContext.daemonThread("vc4j-hook-stdin", () -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(stateJson.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                Logs.HOOKS.debug("a hook did not read its state: {}", e.getMessage());
            }
        });
        writer.start();
    }

    private static String tail(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8).strip();
        return text.length() <= OUTPUT_TAIL ? text : "..." + text.substring(text.length() - OUTPUT_TAIL);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                Logs.HOOKS.debug("cannot remove {}: {}", file, e.getMessage());
            }
        }
    }
}
