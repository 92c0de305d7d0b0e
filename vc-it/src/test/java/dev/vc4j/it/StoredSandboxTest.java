package dev.vc4j.it;

import dev.vc4j.Accelerator;
import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.StorageException;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.storage.FileSandboxStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sandboxes known only from the store, with the real store and drivers but no VM: what fetch, list,
 * cleanup, start and delete do with stopped, broken, rebooted or missing sandboxes.
 */
class StoredSandboxTest {
    private final VirtContainers vc = TestStore.virtContainers();
    private final FileSandboxStore store = new FileSandboxStore(TestStore.ROOTS);

    /** A stopped sandbox as a previous run left it, whose QEMU binary and guest image have since gone. */
    private String storeStoppedSandboxWithoutRuntime() {
        String id = TestStore.uniqueId("noruntime");
        HypervisorConfig gone = HypervisorConfig.builder()
                .qemuBinary(Path.of("/nonexistent/qemu"))
                .kernel(Path.of("/nonexistent/vmlinux"))
                .initrd(Path.of("/nonexistent/initrd.img"))
                .build();
        try (SandboxLock lock = store.lockNew(id)) {
            store.createConfig(SandboxConfig.builder()
                    .id(id)
                    .hypervisor(gone)
                    .annotation("team", "a")
                    .build());
            store.writeState(new SandboxRecord(id, SandboxState.STOPPED, Instant.now(), null, Map.of("team", "a")));
        }
        return id;
    }

    @Test
    void sandboxWithoutItsRuntimeIsListedRefusesToStartNamingTheFileAndCanBeDeleted() throws IOException {
        String id = storeStoppedSandboxWithoutRuntime();

        SandboxStatus listed = vc.listSandboxes().stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow();
        assertEquals(SandboxState.STOPPED, listed.state());
        assertEquals(Map.of("team", "a"), listed.annotations());

        Sandbox sandbox = vc.fetchSandbox(id);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, sandbox::start);
        assertEquals("hypervisor.qemuBinary", e.field());
        assertEquals("/nonexistent/qemu", e.value());
        assertEquals(SandboxState.STOPPED, sandbox.status().state());

        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id));
        assertTrue(vc.listSandboxes().stream().noneMatch(s -> s.id().equals(id)));
        assertThrows(NotFoundException.class, () -> vc.fetchSandbox(id));
    }

    @Test
    void afterARebootTheSandboxIsStoppedAndCleanupRecordsIt() throws IOException, InterruptedException {
        String id = storeStoppedSandboxWithoutRuntime();
        StoreFiles.loseRunDir(id);

        Sandbox sandbox = vc.fetchSandbox(id);
        SandboxStatus status = sandbox.status();
        assertEquals(SandboxState.STOPPED, status.state());
        assertNull(status.createdAt(), "the creation time lived in the run path");
        assertEquals(Map.of("team", "a"), status.annotations(), "the config's annotations are kept");

        assertTrue(vc.cleanup().contains(id));
        assertTrue(Files.exists(StoreFiles.runDir(id).resolve("state.json")));
        assertFalse(vc.cleanup().contains(id), "a second cleanup has nothing to do");
        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id));
    }

    /** A running sandbox with a running container whose VM is gone, as a crash of the host's QEMU leaves it. */
    private String storeSandboxWhoseVmIsGone() {
        String id = storeStoppedSandboxWithoutRuntime();
        ContainerConfig web = ContainerConfig.builder()
                .id("web")
                .cmd(Cmd.builder().args("nginx").build())
                .rootfs(Rootfs.directory(Path.of("/rootfs/web")))
                .build();
        try (SandboxLock lock = store.lock(id, true)) {
            // pid_max is at most 2^22: this VM cannot be running
            store.writeState(new SandboxRecord(
                    id, SandboxState.RUNNING, Instant.now(), new VmRecord(99_999_999, 1, Accelerator.TCG), Map.of()));
            store.createContainerConfig(id, web);
            store.writeContainerState(
                    id,
                    new ContainerRecord(
                            new ContainerStatus("web", ContainerState.RUNNING, 7, null, Instant.now(), null, false, 0),
                            false));
        }
        return id;
    }

    @Test
    void cleanupOfASandboxWhoseVmIsGoneStopsItAndItsContainers() throws IOException, InterruptedException {
        String id = storeSandboxWhoseVmIsGone();
        Sandbox sandbox = vc.fetchSandbox(id);
        assertEquals(ContainerState.RUNNING, sandbox.container("web").status().state());

        assertTrue(vc.cleanup().contains(id));

        assertEquals(SandboxState.STOPPED, store.readState(id).orElseThrow().state());
        ContainerStatus container = sandbox.container("web").status();
        assertEquals(ContainerState.STOPPED, container.state());
        assertEquals(137, container.exitCode(), "killed with the VM");
        assertTrue(container.finishedAt() != null);
        assertEquals("web", sandbox.containers().get(0).config().id());
        assertThrows(NotFoundException.class, () -> sandbox.container("db"));

        StoreFiles.loseRunDir(id);
        assertEquals(ContainerState.STOPPED, sandbox.container("web").status().state(), "after a reboot");
        sandbox.delete();
        assertEquals(0, TestStore.filesOf(id));
    }

    @Test
    void statusOfASandboxWhoseVmIsGoneShowsItStoppedEvenBeforeCleanup() throws IOException {
        String id = storeSandboxWhoseVmIsGone();
        SandboxStatus status = vc.fetchSandbox(id).status();

        assertEquals(SandboxState.STOPPED, status.state());
        assertEquals(0, status.hypervisorPid());
        assertFalse(status.hypervisorAlive());
        assertEquals(ContainerState.STOPPED, status.containers().get(0).state());
        assertEquals(137, status.containers().get(0).exitCode());
        assertEquals(SandboxState.STOPPED, store.readState(id).orElseThrow().state(), "recorded, not only reported");
        assertFalse(vc.cleanup().contains(id), "nothing left for cleanup");
        vc.fetchSandbox(id).delete();
        assertEquals(0, TestStore.filesOf(id));
    }

    @Test
    void annotationsArePersistedForOtherHandles() {
        String id = storeStoppedSandboxWithoutRuntime();
        try {
            vc.fetchSandbox(id).setAnnotations(Map.of("owner", "me", "team", "b"));
            assertEquals(
                    Map.of("owner", "me", "team", "b"),
                    TestStore.virtContainers().fetchSandbox(id).annotations());
            InvalidConfigException e = assertThrows(
                    InvalidConfigException.class, () -> vc.fetchSandbox(id).setAnnotations(Map.of("bad\nkey", "v")));
            assertEquals("annotations", e.field());
        } finally {
            vc.fetchSandbox(id).delete();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "..", ".", "nul\0byte", ""})
    void fetchWithABadIdNamesTheFieldAndTouchesNothing(String id) {
        long before = StoreFiles.everything();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> vc.fetchSandbox(id));
        assertEquals("id", e.field());
        assertEquals(before, StoreFiles.everything());
    }

    @Test
    void fetchWithA300CharacterIdNamesTheFieldAndItsLength() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> vc.fetchSandbox("x".repeat(300)));
        assertEquals("id", e.field());
        assertTrue(e.getMessage().contains("300 characters"), e.getMessage());
    }

    @Test
    void fetchOfAnUnknownSandboxIsNotFoundAndCreatesNothing() throws IOException {
        String id = TestStore.uniqueId("unknown");
        assertThrows(NotFoundException.class, () -> vc.fetchSandbox(id));
        assertEquals(0, TestStore.filesOf(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "garbage", "future"})
    void brokenStateFileIsAStorageErrorNamingTheFile(String damage) throws IOException {
        String id = storeStoppedSandboxWithoutRuntime();
        Path state = StoreFiles.runDir(id).resolve("state.json");
        String good = Files.readString(state);
        Files.writeString(
                state,
                switch (damage) {
                    case "truncated" -> good.substring(0, good.length() / 2);
                    case "garbage" -> "\u0000\u00ff not json";
                    default -> good.replaceFirst("\"formatVersion\" : \\d+", "\"formatVersion\" : 99");
                });
        try {
            StorageException e = assertThrows(
                    StorageException.class, () -> vc.fetchSandbox(id).status());
            assertEquals(state, e.path());
            if (damage.equals("future")) {
                assertTrue(e.getMessage().contains("unsupported format version 99"), e.getMessage());
            }
        } finally {
            store.delete(id); // delete() needs a readable state: it must know whether a VM runs
        }
    }
}
