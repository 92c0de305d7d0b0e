package dev.vc4j.it;

import dev.vc4j.InvalidStateException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.vc4j.SandboxEvent.Type.CREATE;
import static dev.vc4j.SandboxEvent.Type.DELETE;
import static dev.vc4j.SandboxEvent.Type.EXEC_ADDED;
import static dev.vc4j.SandboxEvent.Type.EXIT;
import static dev.vc4j.SandboxEvent.Type.PAUSE;
import static dev.vc4j.SandboxEvent.Type.RESUME;
import static dev.vc4j.SandboxEvent.Type.START;
import static dev.vc4j.SandboxEvent.Type.STOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One sandbox through its whole life with real VMs (three boots, one at a time): start, pause, resume,
 * forced stop, start again, QEMU killed and cleaned up, host "reboot", start from the stored config, delete;
 * and the events of all that, in order.
 */
class SandboxLifecycleIT {
    private final VirtContainers vc = TestStore.virtContainers();
    private final BlockingQueue<SandboxEvent> events = new LinkedBlockingQueue<>();

    @Test
    void theWholeLifeOfASandbox() throws Exception {
        String id = TestStore.uniqueId("life");
        try (var registration = vc.onEvent(events::add)) {
            Sandbox sandbox = vc.createSandbox(
                    SandboxConfig.builder().id(id).annotation("team", "a").build());

            sandbox.start();
            assertEquals(SandboxState.RUNNING, sandbox.status().state());

            sandbox.pause();
            assertEquals(SandboxState.PAUSED, sandbox.status().state());
            InvalidStateException paused = assertThrows(InvalidStateException.class, () -> sandbox.exec("true"));
            assertEquals(SandboxState.PAUSED, paused.current());
            assertThrows(InvalidStateException.class, sandbox::pause);

            sandbox.resume();
            assertEquals("awake\n", sandbox.exec("echo", "awake").stdoutText());
            assertThrows(InvalidStateException.class, sandbox::resume);

            long firstPid = sandbox.status().hypervisorPid();
            sandbox.stop(StopMode.IMMEDIATE);
            assertEquals(SandboxState.STOPPED, sandbox.status().state());
            assertFalse(alive(firstPid));

            sandbox.start();
            SandboxStatus second = sandbox.status();
            assertEquals(SandboxState.RUNNING, second.state());
            assertNotEquals(firstPid, second.hypervisorPid());
            assertEquals("again\n", sandbox.exec("echo", "again").stdoutText());

            sandbox.close(); // lets go of the VM: its death is left for cleanup() to find
            killQemu(second.hypervisorPid());
            assertTrue(vc.cleanup().contains(id));
            SandboxStatus reclaimed = sandbox.status();
            assertEquals(SandboxState.STOPPED, reclaimed.state());
            assertEquals(0, reclaimed.hypervisorPid());
            for (String file : new String[] {"qmp-ctl.sock", "qmp-mon.sock", "agent.sock", "qemu.pid"}) {
                assertFalse(Files.exists(StoreFiles.runDir(id).resolve(file)), file + " left behind");
            }

            sandbox.close();
            StoreFiles.loseRunDir(id);
            SandboxStatus afterReboot = vc.listSandboxes().stream()
                    .filter(s -> s.id().equals(id))
                    .findFirst()
                    .orElseThrow();
            assertEquals(SandboxState.STOPPED, afterReboot.state());

            Sandbox fetched = vc.fetchSandbox(id);
            fetched.start();
            assertEquals(
                    fetched.config().hostname() + "\n", fetched.exec("hostname").stdoutText());
            assertEquals(Map.of("team", "a"), fetched.annotations());
            fetched.stop();
            fetched.delete();
            assertEquals(0, TestStore.filesOf(id));

            assertEquals(
                    List.of(
                            CREATE,
                            START,
                            PAUSE,
                            RESUME,
                            EXEC_ADDED,
                            STOP,
                            START,
                            EXEC_ADDED,
                            EXIT,
                            START,
                            EXEC_ADDED,
                            STOP,
                            DELETE),
                    eventTypesUntilDelete());
        }
    }

    private List<SandboxEvent.Type> eventTypesUntilDelete() throws InterruptedException {
        List<SandboxEvent.Type> types = new ArrayList<>();
        while (!types.contains(DELETE)) {
            SandboxEvent event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                break;
            }
            types.add(event.type());
        }
        return types;
    }

    private static void killQemu(long pid) throws Exception {
        ProcessHandle qemu = ProcessHandle.of(pid).orElseThrow();
        qemu.destroyForcibly();
        qemu.onExit().get(30, TimeUnit.SECONDS);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
