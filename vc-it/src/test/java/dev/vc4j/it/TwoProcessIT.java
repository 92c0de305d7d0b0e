package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sandbox created in this JVM is taken up, used and deleted by another JVM process. */
class TwoProcessIT {

    @Test
    void secondJvmFetchesExecsInAndDeletesASandboxItDidNotCreate() throws Exception {
        String id = TestStore.uniqueId("twojvm");
        Sandbox sandbox = TestStore.virtContainers().createSandbox(SandboxConfig.builder().id(id).build());
        long pid = sandbox.status().hypervisorPid();
        sandbox.close(); // one process at a time owns the VM's agent channel

        Path log = Files.createTempFile("vc4j-second-jvm", ".log");
        Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + TestStore.ROOT_PROPERTY + "=" + TestStore.ROOT,
                "-cp", System.getProperty("java.class.path"), SecondJvm.class.getName(), id)
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        second.getOutputStream().close();
        boolean ended = second.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            second.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.delete(log);

        assertTrue(ended, "the second JVM did not finish: " + output);
        assertEquals(0, second.exitValue(), output);
        assertTrue(output.endsWith("from the second JVM\n" + sandbox.config().hostname() + "\n"), output);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU still runs");
        assertEquals(0, TestStore.filesOf(id));
        assertTrue(TestStore.virtContainers().listSandboxes().stream().noneMatch(s -> s.id().equals(id)));
    }
}
