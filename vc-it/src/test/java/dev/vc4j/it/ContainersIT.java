package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ContainerResources;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStats;
import dev.vc4j.ContainerStatus;
import dev.vc4j.DeleteMode;
import dev.vc4j.GuestProcess;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.InterfaceStats;
import dev.vc4j.InvalidStateException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public Container and ContainerProcess API on one real VM, with a busybox rootfs the host shares over virtio-9p. */
class ContainersIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path rootfs;
    private static VirtContainers vc;
    private static Sandbox sandbox;
    private static final List<SandboxEvent> events = new CopyOnWriteArrayList<>();
    private final List<Container> made = new ArrayList<>();

    @BeforeAll
    static void boot() throws Exception {
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-rootfs"));
        vc = TestStore.virtContainers();
        // one root port: a second block rootfs can only be plugged once the first one's drive is unplugged
        sandbox = vc.createSandbox(SandboxConfig.builder()
                .id(TestStore.uniqueId("ctrs"))
                .hypervisor(HypervisorConfig.builder().hotplugRootPorts(1).build())
                .volume(new Volume("rootfs", rootfs))
                .build());
        sandbox.onEvent(events::add);
    }

    @AfterAll
    static void delete() throws Exception {
        try {
            TestStore.deleteLeavingNothing(sandbox);
        } finally {
            HostRootfs.remove(rootfs);
        }
    }

    @AfterEach
    void deleteContainers() throws IOException {
        for (Container c : made) {
            try {
                c.delete(DeleteMode.FORCE);
            } catch (NotFoundException alreadyDeleted) {
                // the test deleted it itself
            }
            assertFalse(Files.exists(containerDir(TestStore.ROOTS.run(), c.id())), "run files of " + c.id());
            assertFalse(Files.exists(containerDir(TestStore.ROOTS.config(), c.id())), "config files of " + c.id());
        }
    }

    private static Path containerDir(Path root, String containerId) {
        return root.resolve("sbs").resolve(sandbox.id()).resolve("containers").resolve(containerId);
    }

    private Container create(ContainerConfig.Builder builder, String... args) {
        Container c =
                sandbox.createContainer(builder.cmd(Cmd.builder().args(args).build())
                        .rootfs(Rootfs.directory(rootfs))
                        .build());
        made.add(c);
        return c;
    }

    private Container create(String... args) {
        return create(ContainerConfig.builder().id(TestStore.uniqueId("c")), args);
    }

    private static String text(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The container's status once {@code done} holds, polling for at most {@link #WAIT}. */
    private static ContainerStatus awaitStatus(Container c, java.util.function.Predicate<ContainerStatus> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ContainerStatus s = c.status();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = c.status();
        }
        return s;
    }

    @Test
    void echoHelloComesOutOfTheContainersStdout() throws Exception {
        Container c = create("echo", "hello");
        try (ContainerProcess p = c.process()) {
            c.start();
            assertEquals("hello\n", text(p.stdout()));
            assertEquals(0, p.waitFor(WAIT));
        }
        ContainerStatus s = awaitStatus(c, st -> st.state() == ContainerState.STOPPED);
        assertEquals(ContainerState.STOPPED, s.state());
        assertEquals(0, s.exitCode());
    }

    @Test
    void exitSevenIsRecordedWithItsFinishTimeAndEvents() throws Exception {
        Container c = create("sh", "-c", "exit 7");
        c.start();
        assertEquals(7, c.waitForExit(WAIT));
        ContainerStatus s = c.status();
        assertEquals(ContainerState.STOPPED, s.state());
        assertEquals(7, s.exitCode());
        assertNotNull(s.finishedAt());
        assertFalse(s.finishedAt().isBefore(s.startedAt()), s.toString());
        assertEquals(List.of("CREATE", "START", "EXIT(7)"), eventsOf(c));
    }

    private static List<String> eventsOf(Container c) throws InterruptedException {
        Thread.sleep(500); // events are delivered on their own thread
        return events.stream()
                .filter(e -> c.id().equals(e.containerId()))
                .map(e -> e.type() + (e.exitCode() == null ? "" : "(" + e.exitCode() + ")"))
                .toList();
    }

    @Test
    void stopEndsSleepWithSigtermWhenItListensElseWithSigkill() throws IOException {
        Container handles = create("sh", "-c", "trap 'exit 143' TERM; echo trapped; sleep 1000 & wait");
        try (ContainerProcess p = handles.process()) {
            handles.start();
            assertEquals('t', p.stdout().read(), "the trap is set before the signal comes");
        }
        assertEquals(143, handles.stop(Duration.ofSeconds(20)));
        assertEquals(143, handles.status().exitCode());
        // pid 1 of its namespace: the kernel does not deliver a SIGTERM it has no handler for
        Container plainSleep = create("sleep", "1000");
        plainSleep.start();
        assertEquals(137, plainSleep.stop(Duration.ofSeconds(1)));
        assertEquals(ContainerState.STOPPED, plainSleep.status().state());
    }

    @Test
    void pidInGuestIsTheRunningProcessPsShowsAndZeroOnceStopped() {
        Container c = create("sleep", "3131");
        assertEquals(0, c.status().pidInGuest(), "not started yet");
        c.start();
        long pid = c.status().pidInGuest();
        assertTrue(pid > 0, c.status().toString());
        String ps = sandbox.exec("ps", "-o", "pid,args").stdoutText();
        assertTrue(ps.lines().anyMatch(l -> l.strip().equals(pid + " sleep 3131")), pid + " in\n" + ps);
        assertTrue(
                c.processes().stream().anyMatch(p -> p.pid() == pid),
                c.processes().toString());
        c.stop(Duration.ofSeconds(1));
        assertEquals(0, c.status().pidInGuest());
    }

    @Test
    void aStatusReadWhileAnotherProcessHoldsTheAgentShowsTheStoredStateWithoutWaitingForIt() throws Exception {
        Container c = create("sleep", "3132");
        c.start();
        sandbox.exec("true"); // this JVM holds the VM's control socket and agent channel
        long started = System.nanoTime();
        assertEquals("RUNNING null\n", OtherJvm.run(ContainerStatusJvm.class, sandbox.id(), c.id()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // waiting for the held channels would take the agent's call timeout (30 s) per lookup
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "the other JVM took " + took);
        c.stop(Duration.ofSeconds(1));
    }

    @Test
    void anExitWhileNoSandboxObjectWatchesIsRecordedByTheNextStatus() throws Exception {
        Container sameJvm = create("sh", "-c", "sleep 2; exit 3");
        Container otherJvm = create("sh", "-c", "sleep 7; exit 4");
        sameJvm.start();
        otherJvm.start();
        sandbox.close(); // its waiters end with its agent session: nobody watches the two any more
        Thread.sleep(4000);
        try (Sandbox fetched = vc.fetchSandbox(sandbox.id())) {
            ContainerStatus s = fetched.container(sameJvm.id()).status();
            assertEquals(ContainerState.STOPPED, s.state(), s.toString());
            assertEquals(3, s.exitCode());
            assertNotNull(s.finishedAt());
            assertEquals(
                    ContainerState.RUNNING,
                    fetched.container(otherJvm.id()).status().state());
        }
        assertEquals(List.of("CREATE", "START", "EXIT(3)"), eventsOf(sameJvm));
        // the fetched object has closed its agent connection: the other JVM can open its own
        Thread.sleep(4000);
        assertEquals("STOPPED 4\n", OtherJvm.run(ContainerStatusJvm.class, sandbox.id(), otherJvm.id()));
        assertEquals(4, otherJvm.status().exitCode());
    }

    @Test
    void execInARunningContainerHasItsOwnOutputAndExitCode() throws Exception {
        Container c = create("sleep", "1000");
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
        Container c = create("sleep", "1000");
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
        Container c = create("sleep", "1000");
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
        Container c = create(
                "sh",
                "-c",
                "until [ -e " + go + " ]; do sleep 0.1; done;"
                        + " dd if=/dev/zero of=/dev/null bs=128M count=1; exec sleep 1000");
        c.start();
        c.update(ContainerResources.builder().memoryLimitBytes(32L << 20).build());
        c.exec(Cmd.builder().args("touch", go).build()).close(); // the limit is set: the child may allocate
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!eventsOf(c).contains("OOM") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of("CREATE", "START", "EXEC_ADDED", "OOM"), eventsOf(c));
        assertEquals(ContainerState.RUNNING, c.status().state());
        assertEquals(137, c.stop(Duration.ofSeconds(1)));
        assertTrue(c.status().oomKilled(), "the status keeps the kill");
        assertEquals(1, eventsOf(c).stream().filter("OOM"::equals).count(), "one event per kill: " + eventsOf(c));
        sandbox.close();
        assertFalse(
                Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.isAlive() && t.getName().equals("vc4j-oom-" + sandbox.id())),
                "OOM watch left");
    }

    @Test
    void aPausedContainerRefusesExecUntilResumed() throws Exception {
        Container c = create("sleep", "1000");
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
        assertEquals(List.of("CREATE", "START", "PAUSE", "RESUME", "EXEC_ADDED"), eventsOf(c));
    }

    @Test
    void aContainerDoesNotStartBeforeItsDependencyRuns() {
        Container db = create("sleep", "1000");
        Container app =
                create(ContainerConfig.builder().id(TestStore.uniqueId("app")).dependsOn(db.id()), "sleep", "1000");
        InvalidStateException refused = assertThrows(InvalidStateException.class, app::start);
        assertTrue(refused.getMessage().contains("`" + db.id() + "` (ready)"), refused.getMessage());
        assertEquals(ContainerState.READY, app.status().state());
        db.start();
        app.start();
        assertEquals(ContainerState.RUNNING, app.status().state());
    }

    @Test
    void onFailureTwoRestartsTwiceThenStaysStopped() throws Exception {
        Container c = create(
                ContainerConfig.builder().id(TestStore.uniqueId("r")).restartPolicy("on-failure:2"),
                "sh",
                "-c",
                "exit 3");
        c.start();
        ContainerStatus s = awaitStatus(c, st -> st.restartCount() == 2 && st.state() == ContainerState.STOPPED);
        assertEquals(2, s.restartCount(), s.toString());
        assertEquals(ContainerState.STOPPED, s.state(), s.toString());
        Thread.sleep(2000);
        s = c.status();
        assertEquals(2, s.restartCount(), s.toString());
        assertEquals(ContainerState.STOPPED, s.state());
        assertEquals(3, s.exitCode());
    }

    @Test
    void deleteRemovesTheContainerAndItsFiles() throws InterruptedException {
        Container c = create("sleep", "1000");
        c.start();
        InvalidStateException refused = assertThrows(InvalidStateException.class, c::delete);
        assertTrue(refused.getMessage().contains("running"), refused.getMessage());
        c.delete(DeleteMode.FORCE);
        assertThrows(NotFoundException.class, () -> sandbox.container(c.id()));
        assertFalse(sandbox.containers().stream().anyMatch(x -> x.id().equals(c.id())));
        assertEquals("DELETE", eventsOf(c).get(eventsOf(c).size() - 1));
    }

    @Test
    void aBlockDeviceRootfsIsPluggedForItsContainerAndUnpluggedByDelete() throws Exception {
        Path dir = Files.createTempDirectory("vc4j-it-ext4");
        Path image = dir.resolve("rootfs.ext4");
        try {
            Files.writeString(
                    HostRootfs.make(Files.createDirectory(dir.resolve("tree"))).resolve("marker"), "on ext4\n");
            HostRootfs.ext4Image(dir.resolve("tree"), image);
            // each plug needs the root port the delete before freed; the second container is deleted by another
            // Sandbox object, which did not plug its drive: the VM's list of drives tells it which to unplug
            for (int round = 0; round < 3; round++) {
                Container c = sandbox.createContainer(ContainerConfig.builder()
                        .id(TestStore.uniqueId("blk"))
                        .cmd(Cmd.builder().args("cat", "/marker").build())
                        .rootfs(Rootfs.blockDevice(image, "ext4"))
                        .build());
                made.add(c);
                try (ContainerProcess p = c.process()) {
                    c.start();
                    assertEquals("on ext4\n", text(p.stdout()));
                }
                assertEquals(0, c.waitForExit(WAIT));
                if (round == 1) {
                    sandbox.close(); // one client at a time on the VM's control socket and agent channel
                    try (Sandbox other = vc.fetchSandbox(sandbox.id())) {
                        other.container(c.id()).delete();
                    }
                } else {
                    c.delete();
                }
            }
        } finally {
            HostRootfs.remove(dir);
        }
    }
}
