package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ContainerResources;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStats;
import dev.vc4j.GuestProcess;
import dev.vc4j.InterfaceStats;
import dev.vc4j.InvalidStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.vc4j.it.ContainersSandbox.WAIT;
import static dev.vc4j.it.ContainersSandbox.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running container on a real VM: exec in it, its processes, stats and limits, an OOM kill of a child, pause and
 * resume. The VM is the one ContainersIT uses too (ContainersSandbox).
 */
class RunningContainersIT {
    @RegisterExtension
    static final ContainersSandbox SHARED = new ContainersSandbox();

    @Test
    void execInARunningContainerHasItsOwnOutputAndExitCode() throws Exception {
        Container c = SHARED.create("sleep", "1000");
        c.start();
        try (ContainerProcess p = c.exec(
                Cmd.builder().args("sh", "-c", "echo in-$((6*7)); exit 5").build())) {
            assertEquals("in-42\n", text(p.stdout()));
            assertEquals(5, p.waitFor(WAIT));
        }
        assertEquals(ContainerState.RUNNING, c.status().state());
    }

    @Test
    void psListsTheProcessesStatsShowMemoryAndUpdateSetsTheLimit() throws InterruptedException {
        Container c = SHARED.create("sleep", "1000");
        c.start();
        c.exec(Cmd.builder().args("sleep", "4242").build()).close();
        // exec returns once the agent has started `crun exec`, which becomes the sleep a moment later
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<GuestProcess> ps = c.processes();
        while (ps.stream().noneMatch(p -> p.command().equals("sleep 4242")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            ps = c.processes();
        }
        assertTrue(ps.stream().anyMatch(p -> p.command().equals("sleep 1000")), ps.toString());
        assertTrue(ps.stream().anyMatch(p -> p.command().equals("sleep 4242")), ps.toString());
        ContainerStats stats = c.stats();
        assertTrue(stats.memoryUsageBytes() > 0, stats.toString());
        c.update(ContainerResources.builder().memoryLimitBytes(64L << 20).build());
        assertEquals(64L << 20, c.stats().memoryLimitBytes());
    }

    @Test
    void statsCountTheTrafficOfTheContainersNetwork() throws Exception {
        Container c = SHARED.create("sleep", "1000");
        c.start();
        InterfaceStats before = loopback(c.stats());
        // busybox httpd serves a page on loopback; wget retries until the daemon listens
        String fetch = "echo served > /tmp/netstats-page && httpd -p 127.0.0.1:8080 -h /tmp && for i in $(seq 50); do "
                + "wget -q -O - http://127.0.0.1:8080/netstats-page && exit 0; sleep 0.1; done; exit 1";
        try (ContainerProcess p = c.exec(Cmd.builder().args("sh", "-c", fetch).build())) {
            assertEquals("served\n", text(p.stdout()));
            assertEquals(0, p.waitFor(WAIT));
        }
        InterfaceStats after = loopback(c.stats());
        // the guest's loopback may have carried nothing before: growth is what the page's traffic shows
        assertTrue(
                after.rxBytes() > before.rxBytes()
                        && after.txBytes() > before.txBytes()
                        && after.rxPackets() > before.rxPackets(),
                before + " -> " + after);
    }

    private static InterfaceStats loopback(ContainerStats stats) {
        return stats.network().stream()
                .filter(i -> i.name().equals("lo"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no lo in " + stats.network()));
    }

    @Test
    void aChildKilledForMemoryIsAnOomEventAtOnceWhileTheContainerKeepsRunning() throws Exception {
        String go = "/tmp/" + TestStore.uniqueId("oom-go");
        Container c = SHARED.create(
                "sh",
                "-c",
                "until [ -e " + go + " ]; do sleep 0.1; done;"
                        + " dd if=/dev/zero of=/dev/null bs=128M count=1; exec sleep 1000");
        c.start();
        c.update(ContainerResources.builder().memoryLimitBytes(32L << 20).build());
        c.exec(Cmd.builder().args("touch", go).build()).close(); // the limit is set: the child may allocate
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!SHARED.eventsOf(c).contains("OOM") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of("CREATE", "START", "EXEC_ADDED", "OOM"), SHARED.eventsOf(c));
        assertEquals(ContainerState.RUNNING, c.status().state());
        assertEquals(137, c.stop(Duration.ofSeconds(1)));
        assertTrue(c.status().oomKilled(), "the status keeps the kill");
        assertEquals(
                1,
                SHARED.eventsOf(c).stream().filter("OOM"::equals).count(),
                "one event per kill: " + SHARED.eventsOf(c));
        SHARED.sandbox().close();
        assertFalse(
                Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.isAlive()
                                && t.getName()
                                        .equals("vc4j-oom-" + SHARED.sandbox().id())),
                "OOM watch left");
    }

    @Test
    void aPausedContainerRefusesExecUntilResumed() throws Exception {
        Container c = SHARED.create("sleep", "1000");
        c.start();
        c.pause();
        assertEquals(ContainerState.PAUSED, c.status().state());
        Cmd echo = Cmd.builder().args("echo", "awake").build();
        InvalidStateException refused = assertThrows(InvalidStateException.class, () -> c.exec(echo));
        assertTrue(refused.getMessage().contains("paused"), refused.getMessage());
        c.resume();
        assertEquals(ContainerState.RUNNING, c.status().state());
        try (ContainerProcess p = c.exec(echo)) {
            assertEquals("awake\n", text(p.stdout()));
        }
        assertEquals(List.of("CREATE", "START", "PAUSE", "RESUME", "EXEC_ADDED"), SHARED.eventsOf(c));
    }
}
