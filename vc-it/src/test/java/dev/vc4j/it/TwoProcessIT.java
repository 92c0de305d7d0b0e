package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sandbox created in this JVM is taken up, used and deleted by another JVM process. */
class TwoProcessIT {

    @Test
    void secondJvmFetchesExecsInAndDeletesASandboxItDidNotCreate() throws Exception {
        String id = TestStore.uniqueId("twojvm");
        Sandbox sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder().id(id).build());
        long pid = sandbox.status().hypervisorPid();
        sandbox.close(); // one process at a time owns the VM's agent channel

        String output = OtherJvm.run(SecondJvm.class, id);
        assertTrue(output.endsWith("from the second JVM\n" + sandbox.config().hostname() + "\n"), output);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU still runs");
        assertEquals(0, TestStore.filesOf(id));
        assertTrue(TestStore.virtContainers().listSandboxes().stream().noneMatch(s -> s.id().equals(id)));
    }
}
