package dev.vc4j.it;

import dev.vc4j.ContainerStats;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestProcess;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.VirtContainers;
import dev.vc4j.agent.AgentContainerContract;
import dev.vc4j.agent.OciSpecs;
import dev.vc4j.oci.LinuxMemory;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessSpec;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.StorageSpec;
import dev.vc4j.spi.StreamChunk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers run by crun inside one real VM, through the agent's container RPCs (the SPI, below the lifecycle
 * API): {@link AgentContainerContract}, which the host-mode agent passes too, and what needs the guest's cgroups,
 * sandbox set-up and network.
 */
class AgentContainersIT implements AgentContainerContract {
    private static VirtContainers vc;
    private static Sandbox sandbox;
    static AgentSession session;
    private String id;
    private int serial;

    @BeforeAll
    static void bootAndMakeRootfs() {
        vc = TestStore.virtContainers();
        sandbox = vc.createSandbox(
                SandboxConfig.builder().id(TestStore.uniqueId("ctr")).build());
        GuestContainers.makeBusyboxRootfs(sandbox);
        session = GuestContainers.takeOverAgent(sandbox);
    }

    static ExecResult guest(String... args) {
        return session.runProcess(GuestCommand.of(args));
    }

    @AfterAll
    static void delete() throws Exception {
        if (session != null) {
            session.close();
        }
        TestStore.deleteLeavingNothing(sandbox);
    }

    @BeforeEach
    void name() {
        id = TestStore.uniqueId("c");
    }

    @Override
    public AgentSession session() {
        return session;
    }

    @Override
    public String rootfsPath() {
        return GuestContainers.ROOTFS;
    }

    @Override
    public String containerId() {
        return id;
    }

    @AfterEach
    void nothingLeftInTheGuest() {
        assertEquals(
                "",
                guest("ls", "/run/vc4j-agent/").stdoutText().replaceAll("(crun|sandbox|shared)\n", ""),
                "container directories left in the guest");
    }

    private void run(long memoryLimit, String... args) {
        session.createContainer(ContainerSpec.builder(id, OciSpecs.container(id, false, memoryLimit, List.of(args)))
                .rootfsPath(GuestContainers.ROOTFS)
                .build());
        session.startContainer(id);
    }

    private void exec(String... args) {
        String execId = "e" + serial++;
        session.execProcess(id, new ProcessSpec(execId, OciSpecs.process(false, List.of(args)), false));
    }

    @Test
    void psListsTheProcessesAndStatsShowMemoryInUse() {
        run(0, "sleep", "100000");
        exec("sleep", "4242");
        // ExecProcess answers once crun exec runs, which replaces itself with the program a moment later
        List<GuestProcess> ps = session.listProcesses(id);
        for (long deadline = System.nanoTime() + 10_000_000_000L;
                ps.stream().noneMatch(p -> p.command().equals("sleep 4242")) && System.nanoTime() < deadline; ) {
            sleepQuietly(50);
            ps = session.listProcesses(id);
        }
        assertTrue(ps.stream().anyMatch(p -> p.command().equals("sleep 100000")), ps.toString());
        assertTrue(ps.stream().anyMatch(p -> p.command().equals("sleep 4242")), ps.toString());
        ContainerStats stats = session.containerStats(id);
        assertTrue(stats.memoryUsageBytes() > 0, stats.toString());
        assertEquals(2, stats.pids(), stats.toString());
        session.removeContainer(id);
    }

    /** The next number the counter printed within {@code timeout}, or empty. */
    private Optional<Integer> lastCount(Duration timeout) {
        try {
            StreamChunk c = session.readStdout(id, "", 4096, timeout);
            String[] lines = new String(c.data(), StandardCharsets.UTF_8).trim().split("\n");
            return Optional.of(Integer.parseInt(lines[lines.length - 1]));
        } catch (VcTimeoutException e) {
            return Optional.empty();
        }
    }

    @Test
    void pauseFreezesACounterAndResumeThawsIt() {
        run(0, "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done");
        assertTrue(lastCount(WAIT).isPresent());
        session.pauseContainer(id);
        int frozenAt = 0;
        for (Optional<Integer> c; (c = lastCount(Duration.ofSeconds(1))).isPresent(); ) {
            frozenAt = c.get(); // what was printed before the freeze
        }
        assertEquals(Optional.empty(), lastCount(Duration.ofSeconds(2)), "the counter ran while paused");
        session.resumeContainer(id);
        int thawed = lastCount(WAIT).orElseThrow();
        assertTrue(thawed > frozenAt, thawed + " after " + frozenAt);
        session.removeContainer(id);
    }

    @Test
    void aProcessBeyondTheMemoryLimitIsReportedOomKilled() {
        run(32L << 20, "dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1");
        ProcessExit exit = session.waitProcess(id, "", WAIT);
        assertEquals(new ProcessExit(137, 9, true), exit);
        assertEquals(Optional.of(id), session.awaitOomEvent(Duration.ofSeconds(5)));
        assertTrue(session.containerStats(id).oomKills() >= 1);
        session.removeContainer(id);
    }

    @Test
    void aChildKilledForMemoryIsReportedAsItHappensWhileItsContainerRuns() {
        run(32L << 20, "sh", "-c", "dd if=/dev/zero of=/dev/null bs=128M count=1; exec sleep 1000");
        assertEquals(Optional.of(id), session.awaitOomEvent(Duration.ofSeconds(10)));
        assertFalse(session.processStatus(id, "").exited(), "the container's init ended with its child");
        assertTrue(session.containerStats(id).oomKills() >= 1);
        session.removeContainer(id);
    }

    @Test
    void updateChangesTheMemoryLimit() {
        run(64L << 20, "sleep", "100000");
        assertEquals(64L << 20, session.containerStats(id).memoryLimitBytes());
        session.updateContainer(
                id,
                LinuxResources.builder()
                        .memory(LinuxMemory.builder().limit(48L << 20).build())
                        .build());
        assertEquals(48L << 20, session.containerStats(id).memoryLimitBytes());
        session.removeContainer(id);
    }

    @Test
    void onliningWithNothingHotpluggedOnlinesNothing() {
        assertEquals(new dev.vc4j.spi.OnlinedResources(0, 0), session.onlineCpuMem(0, true));
    }

    @Test
    void createSandboxSetsHostnameAndDnsAndLoadsModules() {
        session.createSandbox(SandboxSetup.builder()
                .hostname("box-1")
                .dnsServer("10.0.2.3")
                .dnsSearch("example.org")
                .kernelModule("9p")
                .build());
        assertEquals("box-1\n", guest("hostname").stdoutText());
        assertEquals(
                "nameserver 10.0.2.3\nsearch example.org\n",
                guest("cat", "/run/vc4j-agent/sandbox/resolv.conf").stdoutText());
        InvalidConfigException bad = assertThrows(
                InvalidConfigException.class,
                () -> session.createSandbox(
                        SandboxSetup.builder().dnsServer("not-an-ip").build()));
        assertTrue(bad.getMessage().contains("not-an-ip"), bad.getMessage());
    }

    @Test
    void destroySandboxRemovesEveryContainer() {
        String first = id;
        run(0, "sleep", "100000");
        id = TestStore.uniqueId("c");
        run(0, "sleep", "100000");
        session.destroySandbox();
        assertThrows(NotFoundException.class, () -> session.listProcesses(first));
        assertThrows(NotFoundException.class, () -> session.listProcesses(id));
        assertEquals("", guest("sh", "-c", "ps -o comm | grep -x sleep || true").stdoutText());
    }

    @Test
    void theGuestsLoopbackIsListedUp() {
        assertTrue(
                session.listInterfaces().stream()
                        .anyMatch(i ->
                                i.name().equals("lo") && i.up() && i.addresses().contains("127.0.0.1/8")),
                session.listInterfaces().toString());
        // IPv4: the kernel routes IPv6's ::1 through lo in the main table
        assertEquals(
                List.of(),
                session.listRoutes().stream()
                        .filter(r -> r.device().equals("lo") && !r.destination().contains(":"))
                        .toList());
    }

    @Test
    void aDriveThatNeverAppearsFailsAtTheEndOfItsWaitNamingItsSerialWhileOtherCallsAreServed() throws Exception {
        Duration wait = Duration.ofSeconds(3);
        ContainerSpec spec = ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of("true")))
                .storage(StorageSpec.block("vc4j-never-plugged", "ext4", "rootfs", wait))
                .build();
        long start = System.nanoTime();
        CompletableFuture<VcTimeoutException> create = CompletableFuture.supplyAsync(
                () -> assertThrows(VcTimeoutException.class, () -> session.createContainer(spec)));
        assertEquals("served\n", guest("echo", "served").stdoutText());
        assertFalse(create.isDone(), "the agent answered nothing else while it waited for the drive");
        VcTimeoutException timeout = create.get(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(timeout.getMessage().contains("drive `vc4j-never-plugged`"), timeout.getMessage());
        assertEquals(wait, timeout.deadline());
        // the agent measures the wait with the guest's clock, which under TCG on a busy host can run at another
        // rate than the host's: only the upper bound is the host's to check
        assertTrue(took.compareTo(wait.plusSeconds(10)) < 0, took.toString());
        assertThrows(NotFoundException.class, () -> session.removeContainer(id));
    }

    @Test
    void execIntoAMissingContainerIsNotFound() {
        assertThrows(NotFoundException.class, () -> exec("true"));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
