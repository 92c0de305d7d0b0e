package dev.vc4j.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * QEMU killed under a sandbox that holds its VM: the sandbox notices through the VM's monitor socket, without
 * any call pending, and is stopped with its running containers, as a user sees in events, status and files.
 */
class SandboxDeathIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sigkilledQemuStopsTheSandboxAndItsContainersWithinOneSecond() throws Exception {
        Path rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-rootfs"));
        VirtContainers vc = TestStore.virtContainers();
        String id = TestStore.uniqueId("dies");
        BlockingQueue<SandboxEvent> events = new LinkedBlockingQueue<>();
        try {
            Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                    .id(id)
                    .volume(new Volume("rootfs", rootfs))
                    .build());
            sandbox.onEvent(events::add);
            Container sleeper = container(sandbox, rootfs, "sleeper", "sleep", "1000");
            sleeper.start();
            Container exited = container(sandbox, rootfs, "exited", "sh", "-c", "exit 3");
            exited.start();
            assertEquals(3, exited.waitForExit(Duration.ofSeconds(60)));
            sandbox.start();
            assertEquals(ContainerState.RUNNING, sleeper.status().state());
            Thread.sleep(500); // the events so far are delivered on their own thread
            events.clear();

            ProcessHandle qemu =
                    ProcessHandle.of(sandbox.status().hypervisorPid()).orElseThrow();
            long killed = System.nanoTime();
            qemu.destroyForcibly();

            List<SandboxEvent> seen = new ArrayList<>();
            SandboxEvent event;
            do {
                event = events.poll(killed + TimeUnit.SECONDS.toNanos(1) - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertNotNull(event, "no EXIT of the sandbox within 1 s of the kill; events so far: " + seen);
                seen.add(event);
            } while (event.containerId() != null);
            assertEquals(
                    List.of("EXIT sleeper 137", "EXIT - null"),
                    seen.stream()
                            .map(e -> e.type() + " " + (e.containerId() == null ? "-" : e.containerId()) + " "
                                    + e.exitCode())
                            .toList());

            SandboxStatus status = sandbox.status();
            assertEquals(SandboxState.STOPPED, status.state());
            assertEquals(0, status.hypervisorPid());
            Path runDir = StoreFiles.runDir(id);
            assertEquals(
                    "STOPPED",
                    JSON.readTree(runDir.resolve("state.json").toFile())
                            .path("data")
                            .path("state")
                            .asText());
            ContainerStatus sleeperStatus = sleeper.status();
            assertEquals(ContainerState.STOPPED, sleeperStatus.state());
            assertEquals(137, sleeperStatus.exitCode());
            assertNotNull(sleeperStatus.finishedAt());
            assertEquals(3, exited.status().exitCode(), "a container that had exited keeps its own exit code");
            for (String file : new String[] {"qmp-ctl.sock", "qmp-mon.sock", "agent.sock", "qemu.pid"}) {
                assertFalse(Files.exists(runDir.resolve(file)), file + " left behind");
            }
            assertFalse(vc.cleanup().contains(id), "nothing left for cleanup to find");

            sandbox.delete();
            assertEquals(0, TestStore.filesOf(id), "files left behind by delete");
        } finally {
            HostRootfs.remove(rootfs);
        }
    }

    private static Container container(Sandbox sandbox, Path rootfs, String id, String... args) {
        return sandbox.createContainer(ContainerConfig.builder()
                .id(id)
                .cmd(Cmd.builder().args(args).build())
                .rootfs(Rootfs.directory(rootfs))
                .build());
    }
}
