package dev.vc4j.runtime;

import dev.vc4j.oci.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a record maps to the OCI state engines read, and the parsing of signals and sizes. */
class RuntimeRecordTest {
    private static RuntimeRecord record(String status, long shimPid, String shimStarted) {
        return new RuntimeRecord(
                RuntimeRecord.VERSION,
                "c1",
                "/b",
                "/b/rootfs",
                "c1",
                "/run/x",
                "/var/x",
                "2026-01-01T00:00:00Z",
                Map.of("a", "b"),
                status,
                shimPid,
                shimStarted,
                null,
                null);
    }

    @Test
    void aRecordWrittenUnderTheRootReadsBackEqual(@TempDir Path tmp) {
        RuntimeRoot root = new RuntimeRoot(tmp);
        root.createDir("c1");
        RuntimeRecord exited =
                record(RuntimeRecord.RUNNING, 42, "2026-01-01T00:00:01Z").exited(7);
        root.write(exited);
        assertEquals(exited, root.load("c1"));
        RuntimeRecord failed = record(RuntimeRecord.CREATING, 0, null).failed("no kernel");
        root.write(failed);
        assertEquals(failed, root.load("c1"));
    }

    @Test
    void aRecordMemberOfTheWrongTypeIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("c1"));
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"id\":\"c1\",\"shimPid\":\"12\"}");
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> new RuntimeRoot(tmp).load("c1"));
        assertEquals(
                "the record " + dir.resolve("state.json") + " is invalid: shimPid is not a whole number",
                failure.getMessage());
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"id\":\"c1\",\"exitCode\":4294967296}");
        RuntimeFailure tooBig = assertThrows(RuntimeFailure.class, () -> new RuntimeRoot(tmp).load("c1"));
        assertEquals(
                "the record " + dir.resolve("state.json") + " is invalid: exitCode is not a whole number of 32 bits",
                tooBig.getMessage());
    }

    @Test
    void aContainerWhoseShimRunsHasItsRecordedStatusAndTheShimsPid() {
        ProcessHandle self = ProcessHandle.current();
        State state = InfoCommands.state(record(RuntimeRecord.RUNNING, self.pid(), RuntimeRecord.started(self)));
        assertEquals("running", state.status());
        assertEquals(self.pid(), state.pid());
        assertEquals("/b", state.bundle());
        assertEquals(Map.of("a", "b"), state.annotations());
        assertEquals("/b/rootfs", state.otherFields().get("rootfs"));
    }

    @Test
    void aContainerWhoseShimIsGoneIsStoppedWithPidZero() {
        State state = InfoCommands.state(record(RuntimeRecord.RUNNING, Integer.MAX_VALUE, "2026-01-01T00:00:00Z"));
        assertEquals("stopped", state.status());
        assertEquals(0L, state.pid());
    }

    @Test
    void aReusedPidIsNotTheShim() {
        ProcessHandle self = ProcessHandle.current();
        assertEquals(
                "stopped",
                record(RuntimeRecord.CREATED, self.pid(), "2000-01-01T00:00:00Z")
                        .effectiveStatus());
    }

    @Test
    void signalsAreNumbersOrNamesWithOrWithoutSig() {
        assertEquals(9, ControlCommands.signal("9").number());
        assertEquals(9, ControlCommands.signal("KILL").number());
        assertEquals(15, ControlCommands.signal("SIGTERM").number());
        assertEquals(10, ControlCommands.signal("usr1").number());
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> ControlCommands.signal("SIGFOO"));
        assertEquals("unknown signal \"SIGFOO\"", e.getMessage());
    }

    @Test
    void sizesTakeRuncsSuffixes() {
        assertEquals(4096L, ControlCommands.bytes("4096"));
        assertEquals(512L << 20, ControlCommands.bytes("512m"));
        assertEquals(1L << 30, ControlCommands.bytes("1G"));
        assertThrows(RuntimeFailure.class, () -> ControlCommands.bytes("lots"));
    }

    @Test
    void eventIntervalsAreGoDurations() {
        assertEquals(java.time.Duration.ofSeconds(5), InfoCommands.Events.duration("5s"));
        assertEquals(java.time.Duration.ofMillis(250), InfoCommands.Events.duration("250ms"));
        assertThrows(RuntimeFailure.class, () -> InfoCommands.Events.duration("0s"));
    }
}
