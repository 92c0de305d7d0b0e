package dev.vc4j.storage;

import dev.vc4j.Accelerator;
import dev.vc4j.SandboxState;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The VM's agent channel in state.json: written, read back, and absent from records of older vc4j versions. */
class VmRecordJsonTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    private FileSandboxStore store;

    @BeforeEach
    void setUp() {
        store = new FileSandboxStore(new StoreRoots(dir.resolve("run"), dir.resolve("config")));
    }

    private SandboxRecord roundTrip(VmRecord vm) {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.writeState(new SandboxRecord("sb1", SandboxState.READY, CREATED, vm, Map.of()));
        }
        return store.readState("sb1").orElseThrow();
    }

    @Test
    void aVsockChannelComesBackWithItsCidAndPort() {
        VmRecord vm = new VmRecord(1234, 987654, Accelerator.KVM, AgentChannel.vsock(0xFFFF_FFF0L, 1024));
        VmRecord read = roundTrip(vm).vm();
        assertEquals(vm, read);
        assertEquals(AgentChannel.Transport.VSOCK, read.agentChannel().transport());
        assertEquals(0xFFFF_FFF0L, read.agentChannel().cid());
        assertEquals(1024, read.agentChannel().port());
    }

    @Test
    void aVirtioSerialChannelComesBackWithItsSocket() {
        VmRecord vm = new VmRecord(
                1234, 987654, Accelerator.TCG, AgentChannel.virtioSerial(Path.of("/run/vc4j/sbs/sb1/agent.sock")));
        assertEquals(vm, roundTrip(vm).vm());
    }

    @Test
    void aRecordWrittenBeforeTheChannelWasRecordedStillLoads() throws IOException {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.writeState(new SandboxRecord("sb1", SandboxState.READY, CREATED, null, Map.of()));
        }
        // what vc4j wrote before: a VM record of pid, start time and accelerator only
        Files.writeString(store.runDir("sb1").resolve("state.json"), """
                {"formatVersion": 1, "data": {"id": "sb1", "state": "READY", "createdAt": "2026-01-02T03:04:05Z",
                 "vm": {"pid": 1234, "startTime": 987654, "accelerator": "TCG"},
                 "annotations": {}, "blockIndices": []}}
                """, StandardCharsets.UTF_8);
        VmRecord vm = store.readState("sb1").orElseThrow().vm();
        assertEquals(new VmRecord(1234, 987654, Accelerator.TCG), vm);
        assertNull(vm.agentChannel());
    }
}
