package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.DeleteMode;
import dev.vc4j.InvalidStateException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.vc4j.it.ContainersSandbox.WAIT;
import static dev.vc4j.it.ContainersSandbox.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of a container on a real VM: its output and exit code, stop, its status (also read by another JVM or
 * after nobody watched), restarts, dependencies, delete, and a block device rootfs plugged for it. The VM is
 * the one RunningContainersIT uses too (ContainersSandbox).
 */
class ContainersIT {
    @RegisterExtension
    static final ContainersSandbox SHARED = new ContainersSandbox();

    /** The container's status once {@code done} holds, polling for at most {@link ContainersSandbox#WAIT}. */
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
        Container c = SHARED.create("echo", "hello");
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
        Container c = SHARED.create("sh", "-c", "exit 7");
        c.start();
        assertEquals(7, c.waitForExit(WAIT));
        ContainerStatus s = c.status();
        assertEquals(ContainerState.STOPPED, s.state());
        assertEquals(7, s.exitCode());
        assertNotNull(s.finishedAt());
        assertFalse(s.finishedAt().isBefore(s.startedAt()), s.toString());
        assertEquals(List.of("CREATE", "START", "EXIT(7)"), SHARED.eventsOf(c));
    }

    @Test
    void stopEndsSleepWithSigtermWhenItListensElseWithSigkill() throws IOException {
        Container handles = SHARED.create("sh", "-c", "trap 'exit 143' TERM; echo trapped; sleep 1000 & wait");
        try (ContainerProcess p = handles.process()) {
            handles.start();
            assertEquals('t', p.stdout().read(), "the trap is set before the signal comes");
        }
        assertEquals(143, handles.stop(Duration.ofSeconds(20)));
        assertEquals(143, handles.status().exitCode());
        // pid 1 of its namespace: the kernel does not deliver a SIGTERM it has no handler for
        Container plainSleep = SHARED.create("sleep", "1000");
        plainSleep.start();
        assertEquals(137, plainSleep.stop(Duration.ofSeconds(1)));
        assertEquals(ContainerState.STOPPED, plainSleep.status().state());
    }

    @Test
    void pidInGuestIsTheRunningProcessPsShowsAndZeroOnceStopped() {
        Container c = SHARED.create("sleep", "3131");
        assertEquals(0, c.status().pidInGuest(), "not started yet");
        c.start();
        long pid = c.status().pidInGuest();
        assertTrue(pid > 0, c.status().toString());
        String ps = SHARED.sandbox().exec("ps", "-o", "pid,args").stdoutText();
        assertTrue(ps.lines().anyMatch(l -> l.strip().equals(pid + " sleep 3131")), pid + " in\n" + ps);
        assertTrue(
                c.processes().stream().anyMatch(p -> p.pid() == pid),
                c.processes().toString());
        c.stop(Duration.ofSeconds(1));
        assertEquals(0, c.status().pidInGuest());
    }

    @Test
    void aStatusReadWhileAnotherProcessHoldsTheAgentShowsTheStoredStateWithoutWaitingForIt() throws Exception {
        Container c = SHARED.create("sleep", "3132");
        c.start();
        SHARED.sandbox().exec("true"); // this JVM holds the VM's control socket and agent channel
        long started = System.nanoTime();
        assertEquals(
                "RUNNING null\n",
                OtherJvm.run(ContainerStatusJvm.class, SHARED.sandbox().id(), c.id()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // waiting for the held channels would take the agent's call timeout (30 s) per lookup
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "the other JVM took " + took);
        c.stop(Duration.ofSeconds(1));
    }

    @Test
    void anExitWhileNoSandboxObjectWatchesIsRecordedByTheNextStatus() throws Exception {
        Container sameJvm = SHARED.create("sh", "-c", "sleep 2; exit 3");
        Container otherJvm = SHARED.create("sh", "-c", "sleep 7; exit 4");
        sameJvm.start();
        otherJvm.start();
        SHARED.sandbox().close(); // its waiters end with its agent session: nobody watches the two any more
        Thread.sleep(4000);
        try (Sandbox fetched = SHARED.vc().fetchSandbox(SHARED.sandbox().id())) {
            ContainerStatus s = fetched.container(sameJvm.id()).status();
            assertEquals(ContainerState.STOPPED, s.state(), s.toString());
            assertEquals(3, s.exitCode());
            assertNotNull(s.finishedAt());
            assertEquals(
                    ContainerState.RUNNING,
                    fetched.container(otherJvm.id()).status().state());
        }
        assertEquals(List.of("CREATE", "START", "EXIT(3)"), SHARED.eventsOf(sameJvm));
        // the fetched object has closed its agent connection: the other JVM can open its own
        Thread.sleep(4000);
        assertEquals(
                "STOPPED 4\n",
                OtherJvm.run(ContainerStatusJvm.class, SHARED.sandbox().id(), otherJvm.id()));
        assertEquals(4, otherJvm.status().exitCode());
    }

    @Test
    void aContainerDoesNotStartBeforeItsDependencyRuns() {
        Container db = SHARED.create("sleep", "1000");
        Container app = SHARED.create(
                ContainerConfig.builder().id(TestStore.uniqueId("app")).dependsOn(db.id()), "sleep", "1000");
        InvalidStateException refused = assertThrows(InvalidStateException.class, app::start);
        assertTrue(refused.getMessage().contains("`" + db.id() + "` (ready)"), refused.getMessage());
        assertEquals(ContainerState.READY, app.status().state());
        db.start();
        app.start();
        assertEquals(ContainerState.RUNNING, app.status().state());
    }

    @Test
    void onFailureTwoRestartsTwiceThenStaysStopped() throws Exception {
        Container c = SHARED.create(
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
        Container c = SHARED.create("sleep", "1000");
        c.start();
        InvalidStateException refused = assertThrows(InvalidStateException.class, c::delete);
        assertTrue(refused.getMessage().contains("running"), refused.getMessage());
        c.delete(DeleteMode.FORCE);
        assertThrows(NotFoundException.class, () -> SHARED.sandbox().container(c.id()));
        assertFalse(SHARED.sandbox().containers().stream().anyMatch(x -> x.id().equals(c.id())));
        assertEquals("DELETE", SHARED.eventsOf(c).get(SHARED.eventsOf(c).size() - 1));
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
                Container c = SHARED.sandbox()
                        .createContainer(ContainerConfig.builder()
                                .id(TestStore.uniqueId("blk"))
                                .cmd(Cmd.builder().args("cat", "/marker").build())
                                .rootfs(Rootfs.blockDevice(image, "ext4"))
                                .build());
                SHARED.track(c);
                try (ContainerProcess p = c.process()) {
                    c.start();
                    assertEquals("on ext4\n", text(p.stdout()));
                }
                assertEquals(0, c.waitForExit(WAIT));
                if (round == 1) {
                    SHARED.sandbox().close(); // one client at a time on the VM's control socket and agent channel
                    try (Sandbox other =
                            SHARED.vc().fetchSandbox(SHARED.sandbox().id())) {
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
