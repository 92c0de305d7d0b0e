package dev.vc4j.it;

import dev.vc4j.Sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A busybox root file system made on the host from Debian's busybox-static: the binary, a link per applet,
 * and the directories crun mounts on. Shared with a sandbox as a volume, or written into an ext4 image.
 */
public final class HostRootfs {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private HostRootfs() {}

    public static Path make(Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String d : List.of("dev", "proc", "tmp", "sys")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        java.lang.Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        List<String> applets =
                new String(list.getInputStream().readAllBytes()).lines().toList();
        assertEquals(true, list.waitFor(30, TimeUnit.SECONDS), "busybox --list did not end");
        for (String applet : applets) {
            if (!applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        return dir;
    }

    /** Writes {@code tree} into a 32 MiB ext4 file system image at {@code image}. */
    static Path ext4Image(Path tree, Path image) throws IOException, InterruptedException {
        java.lang.Process mkfs = new ProcessBuilder(
                        "mkfs.ext4", "-q", "-F", "-d", tree.toString(), image.toString(), "32M")
                .redirectErrorStream(true)
                .start();
        String output = new String(mkfs.getInputStream().readAllBytes());
        assertEquals(true, mkfs.waitFor(60, TimeUnit.SECONDS), "mkfs.ext4 did not end");
        assertEquals(0, mkfs.exitValue(), output);
        return image;
    }

    /**
     * Deletes the sandbox that ran containers from {@code dir} (when it was made), leaving nothing, then removes
     * {@code dir} whatever the delete did.
     */
    static void removeAfter(Sandbox sandbox, Path dir) throws Exception {
        try {
            if (sandbox != null) {
                TestStore.deleteLeavingNothing(sandbox);
            }
        } finally {
            remove(dir);
        }
    }

    /** Removes what {@link #make} made (and anything the containers wrote into it). */
    public static void remove(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
