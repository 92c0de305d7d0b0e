package dev.vc4j.storage;

import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StorageException;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store's roots on a small tmpfs that fills up (ENOSPC): the call fails with a StorageException naming the
 * file, what was stored before is intact, and no temp file or half-written file remains.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    private Path mount;
    private FileSandboxStore store;

    @BeforeEach
    void mountSmallTmpfs() {
        assumeTrue(LibC.geteuid() == 0, "mounting a tmpfs needs root");
        mount = dir.resolve("small");
        try {
            Files.createDirectory(mount);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        LibC.mount("tmpfs", mount.toString(), "tmpfs", 0, "size=256k,mode=0700");
        store = new FileSandboxStore(new StoreRoots(mount.resolve("run"), mount.resolve("config")));
    }

    @AfterEach
    void unmount() {
        if (mount != null) {
            LibC.umount2(mount.toString(), 0);
        }
    }

    @Test
    void aCreateOnAFullDiskFailsNamingTheFileAndLeavesNothingOnceUndone() throws IOException {
        try (SandboxLock lock = store.lockNew("sb")) {
            fill();
            StorageException e = assertThrows(
                    StorageException.class,
                    () -> store.createConfig(SandboxConfig.builder().id("sb").build()));
            assertEquals(mount.resolve("config/sbs/sb/config.json"), e.path());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertFalse(store.exists("sb"));
            store.delete("sb"); // as the engine's create does when a step fails
        }
        assertEquals(List.of(), filesUnder(mount.resolve("run/sbs")), "left behind in the run root");
        assertEquals(List.of(), filesUnder(mount.resolve("config/sbs")), "left behind in the config root");
    }

    @Test
    void aStateWriteOnAFullDiskFailsNamingTheFileAndKeepsTheOldState() throws IOException {
        SandboxRecord old =
                new SandboxRecord("sb", SandboxState.READY, Instant.parse("2026-01-02T03:04:05Z"), null, Map.of());
        try (SandboxLock lock = store.lockNew("sb")) {
            store.createConfig(SandboxConfig.builder().id("sb").build());
            store.writeState(old);
            fill();
            StorageException e = assertThrows(
                    StorageException.class, () -> store.writeState(old.withState(SandboxState.RUNNING, null)));
            Path state = mount.resolve("run/sbs/sb/state.json");
            assertEquals(state, e.path());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(old, store.readState("sb").orElseThrow());
            assertEquals(
                    List.of(mount.resolve("run/sbs/sb/lock"), state),
                    filesUnder(mount.resolve("run/sbs/sb")),
                    "a temp file was left behind");
        }
    }

    /** Writes a filler file until the tmpfs has no byte left. */
    private void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(mount.resolve("filler"))) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
