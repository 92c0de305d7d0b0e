package dev.vc4j.it;

import dev.vc4j.InvalidStateException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxStopIT {

    @Test
    void stoppedSandboxHasNoVmRefusesExecAndCanBeDeleted() throws Exception {
        VirtContainers vc = TestStore.virtContainers();
        String id = TestStore.uniqueId("stop");
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(id).build());
        long pid = sandbox.status().hypervisorPid();
        Path runDir = TestStore.ROOTS.run().resolve("sbs").resolve(id);

        sandbox.stop();

        SandboxStatus status = sandbox.status();
        assertEquals(SandboxState.STOPPED, status.state());
        assertFalse(status.hypervisorAlive());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU still runs");
        for (String socket : new String[] {"qmp-ctl.sock", "qmp-mon.sock", "agent.sock", "qemu.pid"}) {
            assertFalse(Files.exists(runDir.resolve(socket)), socket + " left behind");
        }
        assertTrue(
                Files.readString(runDir.resolve("console.log")).contains("vc4j-acpi: power button: powering off"),
                "the guest was not asked to power off gracefully (console.log is kept until delete)");

        InvalidStateException e = assertThrows(InvalidStateException.class, () -> sandbox.exec("true"));
        assertEquals(SandboxState.STOPPED, e.current());
        assertThrows(InvalidStateException.class, sandbox::stop);

        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id));
    }
}
