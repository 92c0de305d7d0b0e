package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidStateException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VM that dies under a sandbox: a call in flight fails with a clear error at once instead of at its deadline,
 * the sandbox is then stopped, and delete still cleans up.
 */
class QemuDeathIT {

    @Test
    void killedQemuFailsTheCallInFlightAndDeleteRemovesEverything() throws Exception {
        VirtContainers vc = TestStore.virtContainers();
        String id = TestStore.uniqueId("death");
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(id).build());
        long pid = sandbox.status().hypervisorPid();
        Path runDir = TestStore.ROOTS.run().resolve("sbs").resolve(id);
        assertTrue(Files.exists(runDir.resolve("agent.sock")));

        CompletableFuture<ExecResult> inFlight = CompletableFuture.supplyAsync(() -> sandbox.exec("sleep", "600"));
        Thread.sleep(1000); // the guest has started the sleep
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        // the agent call's own deadline is far beyond this
        ExecutionException failed = assertThrows(ExecutionException.class, () -> inFlight.get(20, TimeUnit.SECONDS));
        HypervisorException error = assertInstanceOf(HypervisorException.class, failed.getCause());
        assertTrue(error.getMessage().contains("killed by signal 9"), error.getMessage());

        SandboxStatus status = sandbox.status();
        assertEquals(SandboxState.STOPPED, status.state());
        assertFalse(status.hypervisorAlive());
        assertEquals(
                SandboxState.STOPPED,
                assertThrows(InvalidStateException.class, () -> sandbox.exec("true"))
                        .current());

        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id), "files left behind by delete");
        assertFalse(Files.exists(runDir));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
