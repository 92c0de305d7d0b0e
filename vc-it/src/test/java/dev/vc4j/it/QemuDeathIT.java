package dev.vc4j.it;

import dev.vc4j.HypervisorException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A VM that dies under a sandbox: calls fail with a clear error instead of hanging, and delete still cleans up. */
class QemuDeathIT {

    @Test
    void killedQemuFailsTheNextCallAndDeleteRemovesEverything() throws Exception {
        VirtContainers vc = TestStore.virtContainers();
        String id = TestStore.uniqueId("death");
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(id).build());
        long pid = sandbox.status().hypervisorPid();
        Path runDir = TestStore.ROOTS.run().resolve("sbs").resolve(id);
        assertTrue(Files.exists(runDir.resolve("agent.sock")));

        ProcessHandle qemu = ProcessHandle.of(pid).orElseThrow();
        qemu.destroyForcibly();
        qemu.onExit().get();

        // the guard only stops a hang from stalling the build; the agent call's own deadline is 30 s
        HypervisorException error = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(HypervisorException.class, () -> sandbox.exec("true")));
        assertTrue(error.getMessage().contains("killed by signal 9"), error.getMessage());

        SandboxStatus status = sandbox.status();
        assertFalse(status.hypervisorAlive());

        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id), "files left behind by delete");
        assertFalse(Files.exists(runDir));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
