package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.storage.FileSandboxStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a crash left mounted, with the real store and no VM: {@link VirtContainers#cleanup()} unmounts the rootfs
 * of a container whose files are gone and everything of a sandbox whose config is gone, and keeps what the
 * store still knows. The tests run as root here, which bind mounts need.
 */
class LeftoverMountsTest {
    private final VirtContainers vc = TestStore.virtContainers();
    private final FileSandboxStore store = new FileSandboxStore(TestStore.ROOTS);
    private final String id = TestStore.uniqueId("leftover");
    private Path rootfs;

    @BeforeEach
    void rootfs() throws IOException {
        rootfs = Files.createTempDirectory("vc4j-it-leftover");
        Files.writeString(rootfs.resolve("hello"), "hello");
    }

    @AfterEach
    void removeWhatIsLeft() throws IOException {
        store.delete(id);
        HostRootfs.remove(rootfs);
    }

    /** A sandbox as a process that crashed left it: containers' rootfs mounted, their configs as listed. */
    private void sandboxWithMountedRootfs(List<String> recorded, List<String> mounted) {
        try (SandboxLock lock = store.lockNew(id)) {
            store.createConfig(SandboxConfig.builder().id(id).build());
            for (String cid : recorded) {
                store.createContainerConfig(
                        id,
                        ContainerConfig.builder()
                                .id(cid)
                                .rootfs(Rootfs.directory(rootfs))
                                .cmd(Cmd.builder().args("true").build())
                                .build());
            }
            store.sharedDir(id);
            for (String cid : mounted) {
                assertTrue(store.shareRootfs(id, cid, rootfs, Rootfs.Access.READ_WRITE));
            }
        }
    }

    private Path shared() {
        return StoreFiles.runDir(id).resolve("shared");
    }

    @Test
    void theRootfsOfAContainerWhoseFilesAreGoneIsUnmountedTheOthersStay() throws IOException {
        sandboxWithMountedRootfs(List.of("kept"), List.of("kept", "gone"));

        assertTrue(vc.cleanup().contains(id));

        assertEquals(
                List.of(
                        shared().toRealPath().toString(),
                        shared().resolve("kept/rootfs").toRealPath().toString()),
                TestStore.mountsUnder(StoreFiles.runDir(id)));
        assertFalse(Files.exists(shared().resolve("gone")));
        assertEquals("hello", Files.readString(rootfs.resolve("hello")), "the rootfs itself stays");
    }

    @Test
    void everythingOfASandboxWhoseConfigIsGoneIsUnmountedAndRemoved() throws IOException {
        sandboxWithMountedRootfs(List.of("c1"), List.of("c1"));
        // a delete that died after removing the config: the sandbox is gone for every caller
        HostRootfs.remove(TestStore.ROOTS.config().resolve("sbs").resolve(id));

        assertTrue(vc.cleanup().contains(id));

        assertEquals(List.of(), TestStore.mountsUnder(StoreFiles.runDir(id)));
        assertEquals(0, TestStore.filesOf(id));
        assertEquals("hello", Files.readString(rootfs.resolve("hello")), "the rootfs itself stays");
    }
}
