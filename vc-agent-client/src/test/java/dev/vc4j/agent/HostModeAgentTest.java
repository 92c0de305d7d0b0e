package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.ErrorCode;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestDetails;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.GuestInterface;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPCs of a session against the real agent in host mode, and how their failures reach the caller. */
class HostModeAgentTest extends HostModeFixture {
    @Test
    void isTheServiceLoadersAgent() {
        assertInstanceOf(
                GrpcAgent.class, ServiceLoader.load(Agent.class).findFirst().orElseThrow());
    }

    @Test
    void connectsAndReportsTheGuest() {
        long started = System.nanoTime();
        session = connect();
        System.out.printf("connect + Check: %.1f ms%n", (System.nanoTime() - started) / 1e6);
        session.check();
        GuestDetails details = session.guestDetails();
        assertFalse(details.agentVersion().isBlank());
        assertFalse(details.kernelRelease().isBlank());
        assertEquals("x86_64", details.machine());
        assertTrue(details.memTotalKib() > 0 && details.memAvailableKib() > 0, details.toString());
        assertTrue(details.onlineCpus() > 0, details.toString());
        assertTrue(details.uptime().toMillis() > 0, details.toString());
    }

    @Test
    void listsTheLoopbackInterface() {
        session = connect();
        GuestInterface lo = session.listInterfaces().stream()
                .filter(i -> i.name().equals("lo"))
                .findFirst()
                .orElseThrow();
        assertTrue(lo.up() && lo.addresses().contains("127.0.0.1/8"), lo.toString());
        assertTrue(
                session.listRoutes().stream().allMatch(r -> r.destination().matches("[0-9a-f.:]+/[0-9]+")),
                session.listRoutes().toString());
    }

    @Test
    void runsAProcessAndCollectsStdout() {
        session = connect();
        ExecResult r = session.runProcess(GuestCommand.of("echo", "hello"));
        assertEquals(0, r.exitCode());
        assertEquals("hello\n", r.stdoutText());
        assertEquals("", r.stderrText());
        assertTrue(r.succeeded());
    }

    @Test
    void reportsStderrAndTheExitCode() {
        session = connect();
        ExecResult r = session.runProcess(GuestCommand.of("sh", "-c", "echo oops >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertEquals(0, r.signal());
        assertEquals("oops\n", r.stderrText());
        assertEquals("", r.stdoutText());
    }

    @Test
    void passesStdinEnvAndWorkdir() {
        session = connect();
        ExecResult r = session.runProcess(GuestCommand.builder()
                .args("sh", "-c", "cat; echo \" $FOO\"; pwd")
                .env("FOO", "bar")
                .workdir("/tmp")
                .stdin("from stdin".getBytes(StandardCharsets.UTF_8))
                .build());
        assertEquals("from stdin bar\n/tmp\n", r.stdoutText());
    }

    @Test
    void killsAProcessAtItsTimeout() {
        session = connect();
        ExecResult r = session.runProcess(GuestCommand.builder()
                .args("sleep", "10")
                .timeout(Duration.ofMillis(300))
                .build());
        assertTrue(r.timedOut());
        assertFalse(r.succeeded());
    }

    @Test
    void truncatesOutputBeyondTheBound() {
        session = connect();
        ExecResult r = session.runProcess(GuestCommand.of("head", "-c", "3000000", "/dev/zero"));
        assertEquals(0, r.exitCode());
        assertTrue(r.stdoutTruncated());
        assertEquals(GrpcAgentSession.MAX_OUTPUT_BYTES, r.stdout().length);
    }

    @Test
    void aMissingProgramIsAnInvalidArgv() {
        session = connect();
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> session.runProcess(GuestCommand.of("nosuchcmd", "x")));
        assertEquals("argv", e.field());
        assertEquals("nosuchcmd", e.value());
        assertTrue(e.getMessage().contains("No such file"), e.getMessage());
    }

    @Test
    void aProgramThatCannotBeExecutedIsAnInvalidArgv() {
        session = connect();
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> session.runProcess(GuestCommand.of("/etc/passwd")));
        assertEquals("argv", e.field());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void closeFailsACallInFlightAtOnce() throws Exception {
        session = connect();
        CompletableFuture<ExecResult> call =
                CompletableFuture.supplyAsync(() -> session.runProcess(GuestCommand.of("sleep", "10")));
        Thread.sleep(300);
        long started = System.nanoTime();
        session.close();
        Throwable e = assertThrows(Exception.class, () -> call.get(2, TimeUnit.SECONDS))
                .getCause();
        assertEquals(
                ErrorCode.AGENT_UNREACHABLE,
                assertInstanceOf(AgentException.class, e).code());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 1000, "the call failed " + tookMillis + " ms after close");
    }

    /** A call that may run twice is retried while the agent is unreachable, but never on a closed session. */
    @Test
    void aRetriedCallOnAClosedSessionFailsAtOnce() {
        session = connect();
        session.close();
        long started = System.nanoTime();
        AgentException e = assertThrows(
                AgentException.class, () -> session.waitProcess("no-such-ctr", "", Duration.ofSeconds(10)));
        assertEquals(ErrorCode.AGENT_UNREACHABLE, e.code());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 1000, "the call failed " + tookMillis + " ms after it began");
    }

    @Test
    void aStalledAgentIsATimeoutNamingTheRpc() throws Exception {
        session = new GrpcAgent()
                .connect(agent.socket(), new AgentConfig(Duration.ofMillis(500)), CONNECT_TIMEOUT, () -> {});
        agent.signal("STOP");
        try {
            VcTimeoutException e = assertThrows(VcTimeoutException.class, session::check);
            assertEquals("agent Check", e.operation());
            assertEquals(Duration.ofMillis(500), e.deadline());
        } finally {
            agent.signal("CONT");
        }
    }
}
