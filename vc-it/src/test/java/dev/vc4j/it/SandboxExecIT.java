package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestDetails;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One real VM (QEMU, the guest image, the agent), shared by every test here. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxExecIT {
    private static VirtContainers vc;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() {
        vc = TestStore.virtContainers();
        sandbox = vc.createSandbox(
                SandboxConfig.builder().id(TestStore.uniqueId("exec")).build());
    }

    @AfterAll
    static void delete() throws Exception {
        TestStore.deleteLeavingNothing(sandbox);
    }

    @Test
    void unameInTheGuestPrintsLinuxX86_64() {
        ExecResult result = sandbox.exec("uname", "-a");
        assertEquals(0, result.exitCode(), result.stderrText());
        assertTrue(result.stdoutText().matches("(?s)^Linux \\S+ .*x86_64.*"), result.stdoutText());
        assertEquals("", result.stderrText());
    }

    @Test
    void failingCommandReportsItsExitStatusAndStderr() {
        ExecResult result = sandbox.exec("sh", "-c", "echo out; echo oops >&2; exit 3");
        assertEquals(3, result.exitCode());
        assertEquals("out\n", result.stdoutText());
        assertEquals("oops\n", result.stderrText());
        assertFalse(result.succeeded());
    }

    @Test
    void environmentWorkdirAndStdinReachTheProcess() {
        ExecResult result = sandbox.exec(GuestCommand.builder()
                .args("sh", "-c", "echo $GREETING; pwd; cat")
                .env("GREETING", "hello")
                .env("PATH", "/bin:/sbin:/usr/bin")
                .workdir("/proc")
                .stdin("from stdin".getBytes(StandardCharsets.UTF_8))
                .build());
        assertEquals("hello\n/proc\nfrom stdin", result.stdoutText());
    }

    @Test
    void commandKilledByASignalReports128PlusSignal() {
        ExecResult result = sandbox.exec("sh", "-c", "kill -TERM $$");
        assertEquals(143, result.exitCode());
        assertEquals(15, result.signal());
    }

    @Test
    void commandPastItsTimeoutIsKilled() {
        ExecResult result = sandbox.exec(GuestCommand.builder()
                .args("sleep", "30")
                .timeout(Duration.ofMillis(500))
                .build());
        assertTrue(result.timedOut());
        assertEquals(137, result.exitCode());
    }

    @Test
    void missingProgramIsAConfigErrorNamingIt() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> sandbox.exec("no-such-program"));
        assertEquals("argv", e.field());
        assertTrue(e.getMessage().contains("no-such-program"), e.getMessage());
    }

    @Test
    void guestDetailsDescribeTheVm() {
        GuestDetails details = sandbox.guestDetails();
        assertEquals("x86_64", details.machine());
        assertTrue(
                details.memTotalKib() > 256 * 1024 && details.memTotalKib() <= 512 * 1024,
                "MemTotal " + details.memTotalKib());
        assertEquals(1, details.onlineCpus());
        assertEquals(
                sandbox.config().hostname() + "\n", sandbox.exec("hostname").stdoutText());
    }

    @Test
    void withoutANetworkConfigTheGuestHasOnlyLoopback() {
        assertEquals("lo\n", sandbox.exec("ls", "/sys/class/net").stdoutText());
    }

    @Test
    void statusIsReadyWithALiveHypervisor() {
        SandboxStatus status = sandbox.status();
        assertEquals(SandboxState.READY, status.state());
        assertTrue(status.hypervisorAlive());
        assertTrue(ProcessHandle.of(status.hypervisorPid())
                .map(ProcessHandle::isAlive)
                .orElse(false));
    }

    /** virtio-serial has no connection identity: every new client must get a clean session. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aHundredNewConnectionsToTheSameAgentAllWork() {
        sandbox.close(); // QEMU's chardev serves one client at a time
        Path socket = TestStore.ROOTS.run().resolve("sbs").resolve(sandbox.id()).resolve("agent.sock");
        GrpcAgent agent = new GrpcAgent();
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            try (AgentSession session =
                    agent.connect(socket, sandbox.config().agent(), Duration.ofSeconds(20), () -> {})) {
                session.check();
                ok++;
            }
        }
        assertEquals(100, ok);
        assertEquals("again\n", sandbox.exec("echo", "again").stdoutText(), "the sandbox reconnects after close()");
    }
}
