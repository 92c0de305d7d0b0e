package dev.vc4j.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.Accelerator;
import dev.vc4j.AlreadyExistsException;
import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxResources;
import dev.vc4j.SandboxState;
import dev.vc4j.StorageException;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSandboxStoreTest {
    @TempDir
    Path dir;

    private FileSandboxStore store;
    private SandboxConfig config;

    @BeforeEach
    void setUp() {
        store = new FileSandboxStore(new StoreRoots(dir.resolve("run"), dir.resolve("config")));
        config = SandboxConfig.builder()
                .id("sb1")
                .annotation("owner", "test")
                .hypervisor(HypervisorConfig.builder()
                        .kernel(Path.of("/k/vmlinux"))
                        .initrd(Path.of("/k/initrd.img"))
                        .kernelParam("debug")
                        .startTimeout(Duration.ofSeconds(42))
                        .accelerator(Accelerator.TCG)
                        .build())
                .build();
    }

    @Test
    void configAndStateRoundTrip() {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(config);
            SandboxRecord record = new SandboxRecord(
                    "sb1",
                    SandboxState.READY,
                    Instant.parse("2026-01-02T03:04:05Z"),
                    new VmRecord(1234, 987654, Accelerator.TCG),
                    Map.of("k", "v"));
            store.writeState(record);
            assertEquals(config, store.readConfig("sb1"));
            assertEquals(record, store.readState("sb1").orElseThrow());
        }
    }

    @Test
    void resourcesContainersAndHooksRoundTripAndAFileWrittenBeforeThemStillLoads() throws IOException {
        ContainerConfig web = ContainerConfig.builder()
                .id("web")
                .cmd(Cmd.builder().args("httpd").build())
                .rootfs(Rootfs.directory(Path.of("/srv/web")))
                .dependsOn("db")
                .build();
        ContainerConfig db = ContainerConfig.builder()
                .id("db")
                .cmd(Cmd.builder().args("db").build())
                .rootfs(Rootfs.directory(Path.of("/srv/db")))
                .build();
        Hook hook = new Hook(
                Path.of("/usr/libexec/net-hook"), List.of("net-hook", "up"), List.of("A=1"), Duration.ofSeconds(5));
        SandboxConfig full = SandboxConfig.builder()
                .id("sb1")
                .hypervisor(config.hypervisor())
                .resources(new SandboxResources(2, 768))
                .container(db)
                .container(web)
                .hooks(new Hooks(List.of(hook), List.of(), List.of(Hook.of(Path.of("/bin/true")))))
                .build();
        Path file = dir.resolve("config/sbs/sb1/config.json");
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(full);
            assertEquals(full, store.readConfig("sb1"));

            // as the version before these fields wrote it: the same format version, the fields absent
            String written = Files.readString(file);
            assertTrue(written.contains("\"hooks\""), written);
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = (ObjectNode) json.readTree(written);
            ((ObjectNode) root.get("data")).remove(List.of("resources", "containers", "hooks"));
            Files.writeString(file, json.writeValueAsString(root));
            SandboxConfig old = store.readConfig("sb1");
            assertEquals(SandboxResources.HYPERVISOR_DEFAULTS, old.resources());
            assertEquals(List.of(), old.containers());
            assertEquals(Hooks.NONE, old.hooks());
            assertEquals(full.hypervisor(), old.hypervisor());
        }
    }

    @Test
    void filesAndDirectoriesArePrivate() throws IOException {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(config);
            store.writeState(new SandboxRecord("sb1", SandboxState.READY, Instant.now(), null, Map.of()));
        }
        assertEquals("rwx------", perms(store.runDir("sb1")));
        assertEquals("rw-------", perms(store.runDir("sb1").resolve("state.json")));
        assertEquals("rw-------", perms(dir.resolve("config/sbs/sb1/config.json")));
        try (Stream<Path> files = Files.list(store.runDir("sb1"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "temp file left");
        }
    }

    @Test
    void secondConfigForTheSameIdIsRefused() {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(config);
            assertThrows(AlreadyExistsException.class, () -> store.createConfig(config));
        }
    }

    @Test
    void newerFormatVersionIsRefusedNamingTheFile() throws IOException {
        createWithState();
        Path state = store.runDir("sb1").resolve("state.json");
        Files.writeString(state, "{\"formatVersion\": 7, \"data\": {}}");
        StorageException e = assertThrows(StorageException.class, () -> store.readState("sb1"));
        assertTrue(e.getMessage().contains("unsupported format version 7"), e.getMessage());
        assertEquals(state, e.path());
    }

    @Test
    void truncatedStateIsReportedNotMisread() throws IOException {
        createWithState();
        Path state = store.runDir("sb1").resolve("state.json");
        byte[] whole = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(whole, whole.length / 2));
        StorageException e = assertThrows(StorageException.class, () -> store.readState("sb1"));
        assertEquals(state, e.path());
    }

    @Test
    void exclusiveLockExcludesOtherHoldersInTheSameJvm() throws Exception {
        createWithState();
        CompletableFuture<Void> reader;
        try (SandboxLock writer = store.lock("sb1", true)) {
            reader = CompletableFuture.runAsync(() -> store.lock("sb1", false).close());
            Thread.sleep(200);
            assertFalse(reader.isDone(), "a shared lock was granted while an exclusive one is held");
        }
        reader.get(5, TimeUnit.SECONDS);
    }

    /** Without a queue, readers arriving one after another keep a waiting writer out for as long as they come. */
    @Test
    void aWaitingWriterGoesBeforeReadersThatCameAfterIt() throws Exception {
        createWithState();
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> writer;
        CompletableFuture<Void> laterReader;
        try (SandboxLock firstReader = store.lock("sb1", false)) {
            writer = CompletableFuture.runAsync(() -> {
                try (SandboxLock w = store.lock("sb1", true)) {
                    order.add("writer");
                }
            });
            Thread.sleep(200);
            laterReader = CompletableFuture.runAsync(() -> {
                try (SandboxLock r = store.lock("sb1", false)) {
                    order.add("later reader");
                }
            });
            Thread.sleep(200);
            assertTrue(order.isEmpty(), "got in while the first reader held the lock: " + order);
        }
        CompletableFuture.allOf(writer, laterReader).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("writer", "later reader"), order);
    }

    @Test
    void sharedLocksCoexist() {
        createWithState();
        try (SandboxLock a = store.lock("sb1", false);
                SandboxLock b = store.lock("sb1", false)) {
            assertFalse(a.exclusive() || b.exclusive());
        }
    }

    @Test
    void waiterOnADeletedSandboxGetsNotFound() throws Exception {
        createWithState();
        CompletableFuture<Void> waiter;
        try (SandboxLock lock = store.lock("sb1", true)) {
            waiter = CompletableFuture.runAsync(() -> store.lock("sb1", false).close());
            Thread.sleep(100);
            store.delete("sb1");
        }
        Throwable cause = assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> waiter.get(5, TimeUnit.SECONDS))
                .getCause();
        assertTrue(cause instanceof NotFoundException, String.valueOf(cause));
        assertFalse(Files.exists(store.runDir("sb1")));
        assertFalse(Files.exists(dir.resolve("config/sbs/sb1")));
    }

    private void createWithState() {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(config);
            store.writeState(new SandboxRecord("sb1", SandboxState.READY, Instant.now(), null, Map.of()));
        }
    }

    @Test
    void aSandboxWhoseCreateDiedBeforeItsConfigIsRemovedButNotOneBeingCreated() throws Exception {
        try (SandboxLock lock = store.lockNew("sb1")) {
            store.createConfig(config);
        }
        store.lockNew("died").close(); // a create killed after it made its directories
        Files.createDirectories(dir.resolve("config/sbs/died"));
        Files.createDirectories(dir.resolve("config/sbs/died-early"));
        try (SandboxLock creating = store.lockNew("creating")) {
            CompletableFuture<List<String>> removed = CompletableFuture.supplyAsync(store::removeIncomplete);

            assertEquals(List.of("died", "died-early"), removed.get(10, TimeUnit.SECONDS));
        }
        for (String gone : List.of("died", "died-early")) {
            assertFalse(Files.exists(dir.resolve("run/sbs").resolve(gone)), gone);
            assertFalse(Files.exists(dir.resolve("config/sbs").resolve(gone)), gone);
        }
        assertTrue(Files.exists(dir.resolve("run/sbs/creating")), "a create under way keeps its directory");
        assertEquals(List.of("sb1"), store.list());
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
