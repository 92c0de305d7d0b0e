package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vc4j.HypervisorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QMP against a real QEMU with no guest at all ({@code -M none}), so it starts in milliseconds. */
class QmpClientTest {
    @TempDir
    Path dir;
    private QemuProcess qemu;
    private QmpClient qmp;

    @BeforeEach
    void startQemu() {
        Path socket = dir.resolve("qmp.sock");
        qemu = QemuProcess.launch(List.of("qemu-system-x86_64", "-M", "none", "-nodefaults", "-display", "none",
                "-chardev", "socket,id=qmp,path=" + socket + ",server=on,wait=off", "-mon", "chardev=qmp,mode=control"),
                dir.resolve("qemu.log"), dir.resolve("console.log"));
        qmp = QmpClient.connect(socket, Duration.ofSeconds(10), () -> assertTrue(qemu.isAlive()));
    }

    @AfterEach
    void stopQemu() {
        qmp.close();
        if (qemu.isAlive()) {
            qemu.kill();
        }
    }

    @Test
    void commandReturnsItsResult() {
        JsonNode status = qmp.execute("query-status", null, Duration.ofSeconds(5));
        assertTrue(status.has("status"), status.toString());
    }

    @Test
    void concurrentCallersEachGetTheirOwnReply() throws Exception {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String command = i % 2 == 0 ? "query-status" : "query-version";
            calls.add(CompletableFuture.supplyAsync(() -> qmp.execute(command, null, Duration.ofSeconds(5))));
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode reply = calls.get(i).get(10, TimeUnit.SECONDS);
            assertTrue(reply.has(i % 2 == 0 ? "status" : "qemu"), reply.toString());
        }
    }

    @Test
    void qmpErrorCarriesItsClassAndDescription() {
        HypervisorException e = assertThrows(HypervisorException.class,
                () -> qmp.execute("no-such-command", null, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("CommandNotFound"), e.getMessage());
    }

    @Test
    void quitEndsTheConnectionAndLaterCommandsFailAtOnce() {
        List<String> events = new ArrayList<>();
        qmp.onEvent(event -> events.add(event.path("event").asText()));
        try {
            qmp.execute("quit", null, Duration.ofSeconds(5));
        } catch (HypervisorException e) {
            // QEMU may close the socket before its reply is read
        }
        assertTrue(qemu.waitFor(Duration.ofSeconds(10)));
        assertFalse(qemu.isAlive());
        HypervisorException e = assertThrows(HypervisorException.class,
                () -> qmp.execute("query-status", null, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("QMP"), e.getMessage());
        assertEquals(List.of("SHUTDOWN"), events);
    }

    @Test
    void qemuThatRejectsItsArgumentsIsReportedNotAwaited() {
        Path socket = dir.resolve("bad.sock");
        QemuProcess bad = QemuProcess.launch(List.of("qemu-system-x86_64", "-M", "none", "-display", "none",
                "-chardev", "socket,id=qmp,path=" + socket + ",server=on,wait=off", "-mon", "chardev=qmp,mode=control",
                "-no-such-option"), dir.resolve("bad.log"), dir.resolve("bad-console.log"));
        HypervisorException e = assertThrows(HypervisorException.class, () -> QmpClient.connect(socket, Duration.ofSeconds(30), () -> {
            if (!bad.isAlive()) {
                throw new HypervisorException(bad.exitDescription());
            }
        }));
        assertTrue(e.getMessage().contains("exited with status 1") && e.getMessage().contains("no-such-option"), e.getMessage());
    }
}
