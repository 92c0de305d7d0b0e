package dev.vc4j.storage;

import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The run root holds the sockets and locks through which a sandbox is driven, and may sit in a shared
 * directory such as /tmp: another local user who made it first, or pointed it elsewhere with a symbolic link,
 * would reach every VM. So it is used only when it is a real directory of this process's user with mode 0700.
 */
final class RunRoot {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private RunRoot() {}

    /** Creates {@code run} if missing, then refuses it unless it is private to this process's user. */
    static void secure(Path run) {
        AtomicFiles.createDirectories(run);
        try {
            if (Files.isSymbolicLink(run)) {
                throw new StorageException("run root is a symbolic link, refusing", run, null);
            }
            if (!Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException("run root is not a directory, refusing", run, null);
            }
            int owner = (Integer) Files.getAttribute(run, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = LibC.geteuid();
            if (owner != self) {
                throw new StorageException(
                        "run root is owned by uid " + owner + ", not by this process's uid " + self + ", refusing",
                        run,
                        null);
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(run, LinkOption.NOFOLLOW_LINKS);
            if (!mode.equals(OWNER_ONLY)) {
                throw new StorageException(
                        "run root has mode " + PosixFilePermissions.toString(mode) + ", not rwx------, refusing",
                        run,
                        null);
            }
        } catch (IOException e) {
            throw new StorageException("cannot inspect run root", run, e);
        }
    }
}
