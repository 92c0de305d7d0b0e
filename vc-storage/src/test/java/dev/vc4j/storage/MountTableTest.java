package dev.vc4j.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mount points read from a mountinfo file as the kernel writes it. */
class MountTableTest {
    @Test
    void theMountsUnderADirectoryComeInnermostFirstWithTheirPathsUnescaped(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("mountinfo"), """
                36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
                37 36 0:1 / /mnt/parent/with\\040space rw - tmpfs tmpfs rw
                38 36 0:2 /x /mnt/parent/a/b rw - tmpfs tmpfs rw
                39 36 0:2 / /mnt/parent rw shared:2 - tmpfs tmpfs rw
                40 1 0:3 / /mnt/parentx rw - tmpfs tmpfs rw
                """);
        MountTable table = new MountTable(file);

        assertEquals(
                List.of(
                        Path.of("/mnt/parent/a/b"),
                        Path.of("/mnt/parent/with space"),
                        Path.of("/mnt/parent"),
                        Path.of("/mnt/parent")),
                table.under(Path.of("/mnt/parent")));
        assertTrue(table.isMountPoint(Path.of("/mnt/parent/with space")));
        assertFalse(table.isMountPoint(Path.of("/mnt/parent/a")));
        assertEquals(List.of(), table.under(Path.of("/srv")));
    }
}
