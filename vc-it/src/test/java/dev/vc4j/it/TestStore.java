package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Store roots for tests: short paths under /tmp (unix socket paths are limited to 107 bytes), one pair of
 * roots per test run, so that a listing sees only this run's sandboxes, not those of a concurrent or an
 * aborted run. A second JVM of the same run is told the directory with {@value #ROOT_PROPERTY}.
 */
final class TestStore {
    static final String ROOT_PROPERTY = "vc4j.it.root";
    static final Path ROOT = Path.of(System.getProperty(ROOT_PROPERTY,
            "/tmp/vc4j-it/" + ProcessHandle.current().pid()));
    static final StoreRoots ROOTS = new StoreRoots(ROOT.resolve("run"), ROOT.resolve("config"));

    private TestStore() {
    }

    static VirtContainers virtContainers() {
        return VirtContainers.builder().roots(ROOTS).build();
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Deletes {@code sandbox} (null: none was made) and checks that the store kept nothing of it. */
    static void deleteLeavingNothing(Sandbox sandbox) throws IOException {
        if (sandbox != null) {
            String id = sandbox.id();
            sandbox.delete();
            assertEquals(0, filesOf(id), "files left behind by delete");
        }
    }

    /** Every file and directory the store has for {@code sandboxId}, under both roots. */
    static long filesOf(String sandboxId) throws IOException {
        long count = 0;
        for (Path root : new Path[] {ROOTS.run(), ROOTS.config()}) {
            Path dir = root.resolve("sbs").resolve(sandboxId);
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    count += walk.count();
                }
            }
        }
        return count;
    }
}
