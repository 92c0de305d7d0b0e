package dev.vc4j.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.AlreadyExistsException;
import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.Device;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Mount;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxState;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Containers' configs and states under their sandbox, and states written by an older vc4j. */
class ContainerStoreTest {
    @TempDir
    Path dir;

    private FileSandboxStore store;
    private SandboxLock lock;

    @BeforeEach
    void createSandbox() {
        store = new FileSandboxStore(new StoreRoots(dir.resolve("run"), dir.resolve("config")));
        lock = store.lockNew("sb");
        store.createConfig(SandboxConfigs.minimal("sb"));
        store.writeState(new SandboxRecord("sb", SandboxState.READY, Instant.now(), null, Map.of()));
    }

    @AfterEach
    void unlock() {
        lock.close();
    }

    private static ContainerConfig container(String id) {
        return ContainerConfig.builder()
                .id(id)
                .rootfs(Rootfs.blockDevice(Path.of("/dev/loop3"), "ext4"))
                .cmd(Cmd.builder()
                        .args("sh", "-c", "sleep 1")
                        .env("A", "b")
                        .user("1000")
                        .workdir(Path.of("/srv"))
                        .capability("CAP_CHOWN")
                        .build())
                .mount(new Mount("tmpfs", "/tmp", "tmpfs", List.of("nosuid")))
                .device(new Device(Path.of("/dev/fuse"), "/dev/fuse"))
                .restartPolicy("on-failure:3")
                .dependsOn("db")
                .annotation("k", "v")
                .bundle(Path.of("/b/" + id))
                .ociSpec("{\"ociVersion\":\"1.0.2\",\"hostname\":\"h\",\"vendor\":{\"x\":[1,null]}}")
                .build();
    }

    private static ContainerRecord ready(String id) {
        return new ContainerRecord(new ContainerStatus(id, ContainerState.READY, 0, null, null, null, false, 0), false);
    }

    @Test
    void configAndStateRoundTripNextToTheSandboxs() {
        ContainerConfig config = container("web");
        store.createContainerConfig("sb", config);
        ContainerRecord record = new ContainerRecord(
                new ContainerStatus(
                        "web",
                        ContainerState.STOPPED,
                        42,
                        137,
                        Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2026-01-01T00:01:00Z"),
                        true,
                        2),
                true);
        store.writeContainerState("sb", record);

        assertEquals(config, store.readContainerConfig("sb", "web"));
        assertEquals(record, store.readContainerState("sb", "web").orElseThrow());
        assertEquals(List.of("web"), store.listContainers("sb"));
        assertTrue(Files.exists(dir.resolve("config/sbs/sb/containers/web/config.json")));
        assertTrue(Files.exists(dir.resolve("run/sbs/sb/containers/web/state.json")));
    }

    @Test
    void containersNamedLikeTheSandboxsFilesDoNotCollideWithThem() {
        for (String id : new String[] {"lock", "state.json", "config.json"}) {
            store.createContainerConfig("sb", container(id));
            store.writeContainerState("sb", ready(id));
        }
        assertEquals(List.of("config.json", "lock", "state.json"), store.listContainers("sb"));
        assertEquals(SandboxState.READY, store.readState("sb").orElseThrow().state());
        assertEquals("sb", store.readConfig("sb").id());
    }

    @Test
    void deletingAContainerKeepsTheSandboxAndItsOtherContainers() {
        store.createContainerConfig("sb", container("a"));
        store.createContainerConfig("sb", container("b"));
        store.writeContainerState("sb", ready("a"));

        store.deleteContainer("sb", "a");
        store.deleteContainer("sb", "a");

        assertEquals(List.of("b"), store.listContainers("sb"));
        assertFalse(Files.exists(dir.resolve("run/sbs/sb/containers/a")));
        assertThrows(NotFoundException.class, () -> store.readContainerConfig("sb", "a"));
        assertTrue(store.exists("sb"));
    }

    @Test
    void aSecondContainerWithTheSameIdIsRefused() {
        store.createContainerConfig("sb", container("web"));
        assertThrows(AlreadyExistsException.class, () -> store.createContainerConfig("sb", container("web")));
    }

    @Test
    void badContainerIdsAreRefusedNamingTheField() {
        for (String id : new String[] {"../sb2", "a/b", "..", "nul\0", "x".repeat(300)}) {
            InvalidConfigException e =
                    assertThrows(InvalidConfigException.class, () -> store.readContainerState("sb", id));
            assertEquals("containerId", e.field());
            assertThrows(InvalidConfigException.class, () -> store.deleteContainer("sb", id));
        }
        assertEquals(List.of(), store.listContainers("sb"));
    }

    @Test
    void statesOfFormatVersion1WithBlockIndicesLoadAndAreWrittenBackWithout() throws IOException {
        store.createContainerConfig("sb", container("web"));
        Path sandboxState = dir.resolve("run/sbs/sb/state.json");
        Path containerState = dir.resolve("run/sbs/sb/containers/web/state.json");
        Files.createDirectories(containerState.getParent());
        // as vc4j wrote them before version 2: the sandbox's block indices and the container's own
        Files.writeString(sandboxState, """
                {"formatVersion": 1, "data": {"id": "sb", "state": "RUNNING", "createdAt": "2026-01-02T03:04:05Z",
                 "vm": null, "annotations": {"k": "v"}, "blockIndices": [0, 2]}}
                """, StandardCharsets.UTF_8);
        Files.writeString(containerState, """
                {"formatVersion": 1, "data": {"status": {"id": "web", "state": "RUNNING", "pidInGuest": 7,
                 "exitCode": null, "startedAt": "2026-01-02T03:04:06Z", "finishedAt": null, "oomKilled": false,
                 "restartCount": 1}, "stoppedByUser": false, "blockIndex": 2}}
                """, StandardCharsets.UTF_8);

        SandboxRecord sandbox = store.readState("sb").orElseThrow();
        ContainerRecord web = store.readContainerState("sb", "web").orElseThrow();

        assertEquals(
                new SandboxRecord(
                        "sb", SandboxState.RUNNING, Instant.parse("2026-01-02T03:04:05Z"), null, Map.of("k", "v")),
                sandbox);
        assertEquals(
                new ContainerRecord(
                        new ContainerStatus(
                                "web",
                                ContainerState.RUNNING,
                                7,
                                null,
                                Instant.parse("2026-01-02T03:04:06Z"),
                                null,
                                false,
                                1),
                        false),
                web);
        store.writeState(sandbox);
        store.writeContainerState("sb", web);
        for (Path file : List.of(sandboxState, containerState)) {
            String written = Files.readString(file);
            assertTrue(written.contains("\"formatVersion\" : 3") && !written.contains("blockInd"), written);
        }
    }

    @Test
    void aConfigWrittenBeforeARootfsCouldBeReadOnlyLoadsWithAWritableOne() throws IOException {
        ContainerConfig web = ContainerConfig.builder()
                .id("web")
                .rootfs(Rootfs.directory(Path.of("/srv/web")))
                .cmd(Cmd.builder().args("true").build())
                .build();
        store.createContainerConfig("sb", web);
        Path file = dir.resolve("config/sbs/sb/containers/web/config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode written = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) written.get("data").get("rootfs")).remove("access");
        json.writeValue(file.toFile(), written);

        assertEquals(web, store.readContainerConfig("sb", "web"));
    }

    @Test
    void aConfigOfFormatVersion2WithItsSpecAsTextLoadsWithTheSpec() throws IOException {
        ContainerConfig config = container("web");
        store.createContainerConfig("sb", config);
        Path file = dir.resolve("config/sbs/sb/containers/web/config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode written = (ObjectNode) json.readTree(file.toFile());
        ObjectNode data = (ObjectNode) written.get("data");
        // as vc4j wrote it before version 3: the spec as the caller's text
        data.put("ociSpec", json.writeValueAsString(data.get("ociSpec")));
        written.put("formatVersion", 2);
        Files.writeString(file, json.writeValueAsString(written), StandardCharsets.UTF_8);

        assertEquals(config, store.readContainerConfig("sb", "web"));
    }
}
