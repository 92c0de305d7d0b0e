package dev.vc4j.it;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a guest with root in it can do to the host through a volume: no setuid file, no device, no write to a ro one. */
class VolumeSecurityIT {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static Path writable;
    private static Path readOnly;
    private static GuestVm guest;

    @BeforeAll
    static void boot() throws Exception {
        writable = Files.createTempDirectory("vc4j-vol");
        readOnly = Files.createTempDirectory("vc4j-vol-ro");
        Files.writeString(readOnly.resolve("kept.txt"), "kept\n");
        Files.writeString(writable.resolve("target.txt"), "through a link\n");
        guest = GuestVm.boot(
                "volsec",
                HypervisorConfig.builder().build(),
                List.of(new Volume("rw", writable), new Volume("ro", readOnly, true)),
                List.of());
        guest.sh(
                "for t in rw ro; do mkdir -p /mnt/$t && mount -t 9p -o trans=virtio,version=9p2000.L $t /mnt/$t; done");
    }

    @AfterAll
    static void stop() throws Exception {
        if (guest != null) {
            guest.close();
        }
        for (Path dir : new Path[] {writable, readOnly}) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aSetuidRootFileMadeInTheGuestIsAPlainFileOnTheHost() throws Exception {
        // the guest sees what it asked for; the host keeps it in extended attributes
        assertEquals(
                "-rwsr-xr-x 0\n",
                guest.sh("cp /bin/busybox /mnt/rw/suid && chown 0:0 /mnt/rw/suid && chmod 4755 /mnt/rw/suid"
                        + " && stat -c '%A %u' /mnt/rw/suid"));
        int mode = mode(writable.resolve("suid"));
        assertEquals(S_IFREG, mode & S_IFMT);
        assertEquals(0, mode & 07000, "no setuid, setgid or sticky bit on the host: " + Integer.toOctalString(mode));
        assertEquals(0, mode & 0111, "not executable on the host: " + Integer.toOctalString(mode));
    }

    @Test
    void aDeviceNodeMadeInTheGuestIsAPlainFileOnTheHost() throws Exception {
        assertEquals(
                "character special file 1:3\n",
                guest.sh("mknod /mnt/rw/null c 1 3 && stat -c '%F %t:%T' /mnt/rw/null"));
        assertEquals(S_IFREG, mode(writable.resolve("null")) & S_IFMT, "a regular file on the host");
    }

    @Test
    void aReadOnlyVolumeRefusesWritesAndStaysAsItWas() throws Exception {
        assertEquals("kept\n", guest.sh("cat /mnt/ro/kept.txt"));
        String refused = guest.sh(
                "echo x > /mnt/ro/kept.txt 2>&1; touch /mnt/ro/new 2>&1; chmod 4755 /mnt/ro/kept.txt" + " 2>&1; true");
        assertTrue(refused.contains("Read-only file system"), refused);
        assertEquals("kept\n", Files.readString(readOnly.resolve("kept.txt")));
        assertFalse(Files.exists(readOnly.resolve("new")));
    }

    /**
     * With mapped-xattr a guest's symbolic link is a file holding its target; one made on the host is a real link,
     * which QEMU refuses to open (ELOOP): the README says so.
     */
    @Test
    void aSymbolicLinkMadeInTheGuestWorksThere() throws Exception {
        assertEquals("through a link\n", guest.sh("ln -s target.txt /mnt/rw/glink && cat /mnt/rw/glink"));
        assertFalse(Files.isSymbolicLink(writable.resolve("glink")), "kept as a plain file on the host");
    }
}
