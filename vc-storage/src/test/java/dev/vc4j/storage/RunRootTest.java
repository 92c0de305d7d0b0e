package dev.vc4j.storage;

import dev.vc4j.StorageException;
import dev.vc4j.StoreRoots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run root someone else prepared (in /tmp, any local user can) is refused before a socket or lock is made in
 * it, with an error naming the path; on the real filesystem.
 */
class RunRootTest {
    @TempDir
    Path dir;

    @Test
    void aMissingRunRootIsCreatedPrivateAndUsed() throws IOException {
        FileSandboxStore store = store(dir.resolve("run"));
        store.lockNew("sb").close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run"))));
        assertTrue(Files.exists(dir.resolve("run/sbs/sb/lock")));
    }

    @Test
    void aPreCreatedRunRootReadableByOthersIsRefused() throws IOException {
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertRefused(run, "mode rwxr-xr-x");
        assertFalse(Files.exists(run.resolve("sbs")), "something was made in the refused root");
    }

    @Test
    void aRunRootThatIsASymbolicLinkIsRefused() throws IOException {
        Path target = Files.createDirectory(
                dir.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path run = Files.createSymbolicLink(dir.resolve("run"), target);
        assertRefused(run, "symbolic link");
        assertFalse(Files.exists(target.resolve("sbs")), "something was made through the link");
    }

    @Test
    void aRunRootOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(LibC.geteuid() == 0, "only root can give a directory to another user");
        Path run = Files.createDirectory(
                dir.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(run, "unix:uid", 65534);
        assertRefused(run, "owned by uid 65534");
    }

    /** A lock file planted as a link to a file of the attacker's choice is neither followed nor created. */
    @Test
    void aLockFileThatIsASymbolicLinkIsNotFollowed() throws IOException {
        Path victim = dir.resolve("victim");
        Path lock = Files.createDirectories(dir.resolve("run/sbs/sb")).resolve("lock");
        Files.setPosixFilePermissions(dir.resolve("run"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(lock, victim);
        StorageException e =
                assertThrows(StorageException.class, () -> SandboxFileLock.acquire(lock, true, Duration.ofSeconds(1)));
        assertEquals(lock, e.path());
        assertFalse(Files.exists(victim, LinkOption.NOFOLLOW_LINKS), "the link was followed");
    }

    /** The store refuses {@code run} before making anything in it, naming it and saying why. */
    private void assertRefused(Path run, String why) {
        StorageException e =
                assertThrows(StorageException.class, () -> store(run).lockNew("sb"));
        assertEquals(run, e.path());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private FileSandboxStore store(Path run) {
        return new FileSandboxStore(new StoreRoots(run, dir.resolve("config")));
    }
}
