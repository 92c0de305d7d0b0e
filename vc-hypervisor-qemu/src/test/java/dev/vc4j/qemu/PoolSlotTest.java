package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Handing a pooled VM's directory over to a sandbox laid out as the store lays it out (a slot stands in for it:
 * the same read-only bind of mounts/ at shared/). Needs root, as the binds do.
 */
class PoolSlotTest {
    private static final List<String> RUN_FILES = List.of(
            "qmp-ctl.sock", "qmp-mon.sock", "agent.sock", "qemu.pid", "qemu.launch", "console.sock", "qemu.log");

    @TempDir
    Path dir;

    private PoolSlot pooled;
    private PoolSlot sandbox;

    @BeforeEach
    void slots() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "bind mounts need root");
        pooled = PoolSlot.create(dir.resolve("pool"));
        sandbox = PoolSlot.create(dir.resolve("sandbox"));
        for (String name : RUN_FILES) {
            Files.writeString(pooled.runDir().resolve(name), name);
        }
        Files.writeString(dir.resolve("pool/mounts/marker"), "from the pool");
    }

    @AfterEach
    void remove() {
        if (pooled != null) {
            pooled.remove();
            sandbox.remove();
        }
    }

    @Test
    void theRunFilesAndTheReadOnlySharedMountMoveToTheSandbox() throws IOException {
        Path shared = sandbox.sharedDir();
        pooled.handOver(sandbox.dir, shared);

        for (String name : RUN_FILES) {
            assertEquals(name, Files.readString(sandbox.dir.resolve(name)));
        }
        try (var left = Files.list(pooled.runDir())) {
            assertEquals(List.of(), left.toList());
        }
        assertEquals("from the pool", Files.readString(shared.resolve("marker")));
        assertEquals("from the pool", Files.readString(sandbox.dir.resolve("mounts/marker")));
        assertThrows(IOException.class, () -> Files.writeString(shared.resolve("guest-write"), "x"));
    }

    @Test
    void aSandboxWhoseSharedDirectoryIsInUseIsRefusedAndNothingMoves() throws IOException {
        Files.writeString(sandbox.dir.resolve("mounts/container"), "in use");

        HypervisorException e =
                assertThrows(HypervisorException.class, () -> pooled.handOver(sandbox.dir, sandbox.sharedDir()));

        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        for (String name : RUN_FILES) {
            assertTrue(Files.exists(pooled.runDir().resolve(name)), name);
        }
        assertEquals("in use", Files.readString(sandbox.sharedDir().resolve("container")));
    }
}
