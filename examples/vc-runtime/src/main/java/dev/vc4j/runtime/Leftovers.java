package dev.vc4j.runtime;

import dev.vc4j.InvalidStateException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.StopMode;
import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a container leaves when its shim is gone (killed, or a create that failed): its sandbox and VM. */
final class Leftovers {
    /** A shim that answered a delete ends at once; one that did not answer had the call's deadline already. */
    private static final Duration SHIM_EXIT = Duration.ofSeconds(30);

    private Leftovers() {}

    /** Stops the VM of the container's sandbox if it still runs and deletes the sandbox; none is fine. */
    static void removeSandbox(RuntimeRecord record) {
        VirtContainers vc = VirtContainers.builder()
                .roots(new StoreRoots(Path.of(record.storeRun()), Path.of(record.storeConfig())))
                .build();
        Sandbox sandbox;
        try {
            sandbox = vc.fetchSandbox(record.sandboxId());
        } catch (NotFoundException e) {
            return;
        }
        try (sandbox) {
            try {
                sandbox.delete();
            } catch (InvalidStateException e) {
                sandbox.stop(StopMode.IMMEDIATE);
                sandbox.delete();
            }
        }
    }

    /** Waits for the shim of {@code record} to end; one that does not within 30 s is killed. */
    static void awaitShimExit(RuntimeRecord record) {
        if (!record.shimAlive()) {
            return;
        }
        ProcessHandle shim = ProcessHandle.of(record.shimPid()).orElse(null);
        if (shim == null) {
            return;
        }
        try {
            shim.onExit().get(SHIM_EXIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            shim.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shim.destroyForcibly();
        }
    }
}
