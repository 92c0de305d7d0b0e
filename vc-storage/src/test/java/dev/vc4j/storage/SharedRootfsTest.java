package dev.vc4j.storage;

import com.sun.jna.LastErrorException;
import dev.vc4j.Rootfs;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Containers' rootfs and bound host directories mounted in their sandbox's shared directory, for real where the
 * tests run as root, and what a host that refuses mounts (not root) gets instead.
 */
class SharedRootfsTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    /** A host without root: every mount is refused, as the kernel refuses it. */
    private static final MountCalls REFUSING = new MountCalls() {
        @Override
        public void mount(String source, String target, long flags) {
            throw new LastErrorException(BindMount.EPERM);
        }

        @Override
        public void unmount(String target, int flags) {
            throw new LastErrorException(BindMount.EPERM);
        }
    };

    @TempDir
    Path dir;

    private StoreRoots roots;
    private FileSandboxStore store;
    private SandboxLock lock;
    private Path rootfs;

    @BeforeEach
    void createSandbox() throws IOException {
        roots = new StoreRoots(dir.resolve("run"), dir.resolve("config"));
        rootfs = Files.createDirectories(dir.resolve("images/busybox"));
        Files.writeString(rootfs.resolve("hello"), "hello");
        open(new FileSandboxStore(roots));
    }

    private void open(FileSandboxStore opened) {
        if (lock != null) {
            lock.close();
        }
        store = opened;
        lock = store.lockNew("sb");
        if (!store.exists("sb")) {
            store.createConfig(SandboxConfigs.minimal("sb"));
        }
    }

    /** Whatever a test left mounted goes before the temporary directory is removed, which would reach into it. */
    @AfterEach
    void unmountEverything() {
        lock.close();
        new RootfsShares(MountCalls.LINUX, MountTable.PROC_SELF).unmountAll(dir);
    }

    private List<Path> mountsUnderTheRoots() throws IOException {
        return MountTable.PROC_SELF.under(dir.toRealPath());
    }

    @Test
    void theGuestGetsTheSharedDirectoryReadOnlyWithEachRootfsInIt() throws IOException {
        assumeTrue(ROOT, "bind mounts need root");
        Path shared = store.sharedDir("sb");
        assertThrows(
                FileSystemException.class,
                () -> Files.createDirectory(shared.resolve("planted")),
                "the guest must not change where the host mounts");

        assertTrue(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE));
        assertTrue(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE), "shared already: it stays");

        Path inShare = shared.resolve("c1/rootfs");
        assertEquals("hello", Files.readString(inShare.resolve("hello")));
        Files.writeString(inShare.resolve("written"), "by the container");
        assertEquals("by the container", Files.readString(rootfs.resolve("written")));
        assertEquals(Map.of("sb", Set.of("c1")), store.mountsBySandbox());
        assertEquals(List.of(inShare.toRealPath(), shared.toRealPath()), mountsUnderTheRoots());
    }

    @Test
    void aReadOnlyRootfsRefusesWritesThroughTheShareOnly() throws IOException {
        assumeTrue(ROOT, "bind mounts need root");
        Path shared = store.sharedDir("sb");

        assertTrue(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_ONLY));

        FileSystemException refused = assertThrows(
                FileSystemException.class, () -> Files.writeString(shared.resolve("c1/rootfs/hello"), "changed"));
        assertTrue(String.valueOf(refused.getReason()).contains("Read-only file system"), refused.toString());
        Files.writeString(rootfs.resolve("hello"), "changed on the host");
        assertEquals("changed on the host", Files.readString(shared.resolve("c1/rootfs/hello")));
    }

    @Test
    void deletingTheContainerUnmountsItsRootfsEvenWhileAFileInItIsOpen() throws IOException {
        assumeTrue(ROOT, "bind mounts need root");
        Path shared = store.sharedDir("sb");
        store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE);
        store.shareRootfs("sb", "c2", rootfs, Rootfs.Access.READ_WRITE);

        try (FileChannel busy = FileChannel.open(shared.resolve("c1/rootfs/hello"))) {
            store.deleteContainer("sb", "c1");
            assertTrue(busy.isOpen());
        }

        assertEquals(List.of(shared.resolve("c2/rootfs").toRealPath(), shared.toRealPath()), mountsUnderTheRoots());
        assertFalse(Files.exists(shared.resolve("c1")));
        assertEquals("hello", Files.readString(rootfs.resolve("hello")), "the rootfs itself stays");
        assertEquals(Map.of("sb", Set.of("c2")), store.mountsBySandbox());
    }

    @Test
    void deletingTheSandboxUnmountsEverythingThenRemovesItsDirectories() throws IOException {
        assumeTrue(ROOT, "bind mounts need root");
        store.sharedDir("sb");
        store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE);
        store.shareRootfs("sb", "c2", rootfs, Rootfs.Access.READ_ONLY);

        store.delete("sb");

        assertEquals(List.of(), mountsUnderTheRoots());
        assertFalse(Files.exists(store.runDir("sb")));
        assertEquals("hello", Files.readString(rootfs.resolve("hello")), "the rootfs itself stays");
        assertEquals(Map.of(), store.mountsBySandbox());
    }

    @Test
    void boundDirectoriesAreSharedBesideTheRootfsReadOnlyAsAskedAndLeaveWithTheirContainer() throws IOException {
        assumeTrue(ROOT, "bind mounts need root");
        Path shared = store.sharedDir("sb");
        Path ro = Files.createDirectories(dir.resolve("host/ro"));
        Files.writeString(ro.resolve("in-dir"), "read me");
        Path rw = Files.createDirectories(dir.resolve("host/rw"));
        assertTrue(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE));

        assertTrue(store.shareMount("sb", "c1", 0, ro, Rootfs.Access.READ_ONLY));
        assertTrue(store.shareMount("sb", "c1", 2, rw, Rootfs.Access.READ_WRITE));
        assertTrue(store.shareMount("sb", "c1", 2, rw, Rootfs.Access.READ_WRITE), "shared already: it stays");
        assertTrue(store.shareMount("sb", "c2", 0, rw, Rootfs.Access.READ_ONLY), "a container without a rootfs");

        assertEquals("read me", Files.readString(shared.resolve("c1/mounts/0/in-dir")));
        FileSystemException refused = assertThrows(
                FileSystemException.class, () -> Files.writeString(shared.resolve("c1/mounts/0/new"), "x"));
        assertTrue(String.valueOf(refused.getReason()).contains("Read-only file system"), refused.toString());
        Files.writeString(shared.resolve("c1/mounts/2/out"), "by the container");
        assertEquals("by the container", Files.readString(rw.resolve("out")));
        assertEquals(Map.of("sb", Set.of("c1", "c2")), store.mountsBySandbox());

        store.deleteContainer("sb", "c1");

        assertEquals(List.of(shared.resolve("c2/mounts/0").toRealPath(), shared.toRealPath()), mountsUnderTheRoots());
        assertFalse(Files.exists(shared.resolve("c1")));
        assertEquals("read me", Files.readString(ro.resolve("in-dir")), "the host directory itself stays");
        store.delete("sb");
        assertEquals(List.of(), mountsUnderTheRoots());
    }

    @Test
    void whereABoundDirectoryIsRefusedNothingOfItStaysAndTheRootfsShareStays() throws IOException {
        Path runDir = store.runDir("sb");
        Path rootfsDir = Files.createDirectories(runDir.resolve("mounts/c1/rootfs"));
        Path shared = runDir.toRealPath().resolve("shared");
        Files.createDirectories(shared);
        // the shared directory and c1's rootfs mounted, then a bind refused (EPERM: a security module)
        Path mountinfo = Files.writeString(
                dir.resolve("mountinfo"),
                "50 27 254:0 /x " + shared + " ro - ext4 /dev/vda rw\n" + "51 50 254:0 /y "
                        + shared.resolve("c1/rootfs") + " rw - ext4 /dev/vda rw\n");
        open(new FileSandboxStore(roots, new RootfsShares(REFUSING, new MountTable(mountinfo))));

        assertFalse(store.shareMount("sb", "c1", 3, rootfs, Rootfs.Access.READ_ONLY));
        assertFalse(store.shareMount("sb", "c2", 0, rootfs, Rootfs.Access.READ_ONLY));

        assertFalse(Files.exists(runDir.resolve("mounts/c1/mounts")));
        assertTrue(Files.isDirectory(rootfsDir));
        assertFalse(Files.exists(runDir.resolve("mounts/c2")));
        assertEquals(Map.of("sb", Set.of("c1")), store.mountsBySandbox());
    }

    @Test
    void whereMountsAreRefusedTheSharedDirectoryIsPlainAndNothingIsShared() throws IOException {
        open(new FileSandboxStore(roots, new RootfsShares(REFUSING, MountTable.PROC_SELF)));
        Path shared = store.sharedDir("sb");

        assertFalse(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE));
        assertFalse(store.shareMount("sb", "c1", 0, rootfs, Rootfs.Access.READ_ONLY));

        assertTrue(Files.isDirectory(shared));
        try (var left = Files.list(shared)) {
            assertEquals(List.of(), left.toList());
        }
        assertFalse(Files.exists(store.runDir("sb").resolve("mounts/c1")));
        store.deleteContainer("sb", "c1");
        store.delete("sb");
        assertFalse(Files.exists(store.runDir("sb")));
    }

    @Test
    void whereTheRootfsBindAloneIsRefusedNothingOfItStays() throws IOException {
        Path runDir = store.runDir("sb");
        Files.createDirectories(runDir.resolve("shared"));
        // a shared directory that was mounted, then a bind refused (EPERM: a security module, a user namespace)
        Path mountinfo = Files.writeString(
                dir.resolve("mountinfo"),
                "50 27 254:0 /x " + runDir.toRealPath().resolve("shared") + " ro - ext4 /dev/vda rw\n");
        open(new FileSandboxStore(roots, new RootfsShares(REFUSING, new MountTable(mountinfo))));

        assertFalse(store.shareRootfs("sb", "c1", rootfs, Rootfs.Access.READ_WRITE));

        assertFalse(Files.exists(runDir.resolve("mounts/c1")));
    }
}
