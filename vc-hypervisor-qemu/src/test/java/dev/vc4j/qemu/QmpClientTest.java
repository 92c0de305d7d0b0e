package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.ErrorCode;
import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.VcTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QMP against a real QEMU with no guest at all ({@code -M none}), so it starts in milliseconds. */
class QmpClientTest {
    @TempDir
    Path dir;

    private GuestlessQemu guestless;
    private QemuProcess qemu;
    private QmpClient qmp;

    @BeforeEach
    void startQemu() {
        guestless = GuestlessQemu.start(dir, List.of("-M", "none"));
        qemu = guestless.process;
        qmp = guestless.qmp;
    }

    @AfterEach
    void stopQemu() {
        guestless.close();
    }

    @Test
    void commandReturnsItsResult() {
        JsonNode status = qmp.execute("query-status", null, Duration.ofSeconds(5));
        assertTrue(status.has("status"), status.toString());
    }

    /**
     * This test's client holds QEMU's one QMP client slot; raw connects then fill the listen backlog, so a blocking
     * connect would wait in the kernel for ever. The next attaching process must fail within its deadline instead.
     */
    @Test
    void connectToAHeldSocketWithAFullBacklogFailsWithinItsDeadline() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try {
            boolean full = false;
            while (!full && queued.size() < 16) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                queued.add(ch);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (SocketException e) {
                    full = true; // EAGAIN: the backlog is full
                }
            }
            assertTrue(full, "the backlog never filled");
            long started = System.nanoTime();
            VcTimeoutException e = assertThrows(
                    VcTimeoutException.class, () -> QmpClient.connect(socket, Duration.ofSeconds(1), () -> {}));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 3000, "took " + millis + " ms");
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        } finally {
            for (SocketChannel ch : queued) {
                ch.close();
            }
        }
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
        QmpCommandException e = assertThrows(
                QmpCommandException.class, () -> qmp.execute("no-such-command", null, Duration.ofSeconds(5)));
        assertEquals("CommandNotFound", e.errorClass());
        assertEquals("no-such-command", e.command());
        assertTrue(e.description().contains("no-such-command"), e.description());
        assertEquals(ErrorCode.HYPERVISOR_FAILED, e.code());
    }

    @Test
    void badArgumentIsAGenericErrorNamingTheArgument() {
        ObjectNode args = new ObjectMapper().createObjectNode().put("bogus", 1);
        QmpCommandException e =
                assertThrows(QmpCommandException.class, () -> qmp.execute("query-status", args, Duration.ofSeconds(5)));
        assertEquals("GenericError", e.errorClass());
        assertTrue(e.description().contains("bogus"), e.description());
        assertTrue(
                qmp.execute("query-status", null, Duration.ofSeconds(5)).has("status"), "the connection still works");
    }

    @Test
    void stopAndContArriveAsStopAndResumeEvents() {
        List<String> events = new CopyOnWriteArrayList<>();
        qmp.onEvent(event -> events.add(event.path("event").asText()));
        QmpClient.EventWait resumed = qmp.expectEvent("RESUME", data -> true);
        qmp.execute("stop", null, Duration.ofSeconds(5));
        qmp.execute("cont", null, Duration.ofSeconds(5));
        resumed.await(Duration.ofSeconds(5));
        assertEquals(List.of("STOP", "RESUME"), events);
    }

    @Test
    void endOfStreamFailsEveryPendingCommandAndEventWaitAtOnce() throws Exception {
        signal("STOP"); // QEMU reads nothing more, so every command below stays pending
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> qmp.execute("query-status", null, Duration.ofSeconds(60))));
        }
        QmpClient.EventWait deleted = qmp.expectEvent("DEVICE_DELETED", data -> true);
        Thread.sleep(300);
        assertTrue(calls.stream().noneMatch(CompletableFuture::isDone), "QEMU answered while stopped");
        qemu.kill();
        for (CompletableFuture<JsonNode> call : calls) {
            // well within the commands' own 60 s deadline
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertInstanceOf(HypervisorException.class, e.getCause());
            assertTrue(
                    e.getCause().getMessage().contains("QMP connection"),
                    e.getCause().getMessage());
        }
        assertThrows(HypervisorException.class, () -> deleted.await(Duration.ofSeconds(60)));
    }

    @Test
    void connectionLossIsReportedOnceButNotWhenVc4jClosesIt() throws Exception {
        CompletableFuture<String> lost = new CompletableFuture<>();
        qmp.onConnectionLost(lost::complete);
        qemu.kill();
        assertTrue(lost.get(5, TimeUnit.SECONDS).contains("QMP connection"));

        startQemu();
        CompletableFuture<String> lostAgain = new CompletableFuture<>();
        qmp.onConnectionLost(lostAgain::complete);
        qmp.close();
        assertThrows(TimeoutException.class, () -> lostAgain.get(500, TimeUnit.MILLISECONDS));
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(qemu.pid())).start();
        assertEquals(0, kill.waitFor());
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
        HypervisorException e = assertThrows(
                HypervisorException.class, () -> qmp.execute("query-status", null, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("QMP"), e.getMessage());
        assertEquals(List.of("SHUTDOWN"), events);
    }

    @Test
    void qemuThatRejectsItsArgumentsIsReportedNotAwaited() {
        Path socket = dir.resolve("bad.sock");
        QemuProcess bad = QemuProcess.launch(
                List.of(
                        "qemu-system-x86_64",
                        "-M",
                        "none",
                        "-display",
                        "none",
                        "-chardev",
                        "socket,id=qmp,path=" + socket + ",server=on,wait=off",
                        "-mon",
                        "chardev=qmp,mode=control",
                        "-no-such-option"),
                dir.resolve("bad.log"),
                dir.resolve("bad-console.log"));
        HypervisorException e = assertThrows(
                HypervisorException.class,
                () -> QmpClient.connect(socket, Duration.ofSeconds(30), () -> {
                    if (!bad.isAlive()) {
                        throw new HypervisorException(bad.exitDescription());
                    }
                }));
        assertTrue(
                e.getMessage().contains("exited with status 1")
                        && e.getMessage().contains("no-such-option"),
                e.getMessage());
    }
}
