package dev.vc4j.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the lifecycle tests look at on disk, under the test store's roots. */
final class StoreFiles {
    private StoreFiles() {}

    static Path runDir(String sandboxId) {
        return TestStore.ROOTS.run().resolve("sbs").resolve(sandboxId);
    }

    /** Every entry under both roots and their parent directory: a bad id must not add one anywhere. */
    static long everything() {
        try (Stream<Path> walk = Files.walk(TestStore.ROOTS.run().getParent())) {
            return walk.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts everything mounted at or under {@code dir}, deepest first. */
    static void unmountAll(Path dir) throws IOException, InterruptedException {
        List<String> mounts = new ArrayList<>(TestStore.mountsUnder(dir));
        mounts.sort(Comparator.reverseOrder());
        for (String point : mounts) {
            Process umount = new ProcessBuilder("umount", point).inheritIO().start();
            if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
                throw new IOException("cannot unmount " + point);
            }
        }
    }

    /**
     * What a host reboot does to the run path (a tmpfs): the sandbox's run directory is gone, and with it the
     * mounts under it (the shared directory's binds), deepest first.
     */
    static void loseRunDir(String sandboxId) throws IOException, InterruptedException {
        unmountAll(runDir(sandboxId));
        try (Stream<Path> walk = Files.walk(runDir(sandboxId))) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
