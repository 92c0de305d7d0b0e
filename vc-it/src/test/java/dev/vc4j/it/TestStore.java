package dev.vc4j.it;

import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Store roots for tests: short paths under /tmp (unix socket paths are limited to 107 bytes), one run
 * root per test JVM so the host cache (the KVM probe's answer) is shared by every test.
 */
final class TestStore {
    static final StoreRoots ROOTS = new StoreRoots(Path.of("/tmp/vc4j-it/run"), Path.of("/tmp/vc4j-it/config"));

    private TestStore() {
    }

    static VirtContainers virtContainers() {
        return VirtContainers.builder().roots(ROOTS).build();
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
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
