package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    static final Path ROOT = Path.of(System.getProperty(
            ROOT_PROPERTY, "/tmp/vc4j-it/" + ProcessHandle.current().pid()));
    static final StoreRoots ROOTS = new StoreRoots(ROOT.resolve("run"), ROOT.resolve("config"));

    static {
        if (System.getProperty(ROOT_PROPERTY) == null) { // the run's first JVM; a second one shares its roots
            Runtime.getRuntime().addShutdownHook(new Thread(TestStore::removeIfEmpty, "vc4j-it-roots"));
        }
    }

    private TestStore() {}

    /**
     * At the end of the run, its roots go when they hold only directories and the accelerator probe's cache:
     * anything else (a sandbox, a template, a mount) is a leftover to be seen, so it stays.
     */
    private static void removeIfEmpty() {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            boolean empty = paths.stream()
                    .allMatch(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                            || p.getFileName().toString().startsWith("kvm-probe-"));
            if (empty && mountsUnder(ROOT).isEmpty()) {
                for (Path path : paths) {
                    Files.delete(path);
                }
                Files.delete(ROOT.getParent()); // fails while another run uses it, as it should
            }
        } catch (IOException e) {
            // gone already, or in use by another run
        }
    }

    static VirtContainers virtContainers() {
        return VirtContainers.builder().roots(ROOTS).build();
    }

    /**
     * A run directory for a VM booted without a sandbox. Made 0700 like the store's own: the store refuses a run
     * root that other users may read, and this may be the first thing made in it.
     */
    static Path vmRunDir(String id) throws IOException {
        return Files.createDirectories(
                ROOTS.run().resolve("vms").resolve(id),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Deletes {@code sandbox} (null: none was made) and checks that the store kept nothing of it. */
    static void deleteLeavingNothing(Sandbox sandbox) throws IOException {
        if (sandbox != null) {
            String id = sandbox.id();
            sandbox.delete();
            assertEquals(List.of(), mountsUnder(ROOT.resolve("run/sbs").resolve(id)), "mounts left behind by delete");
            assertEquals(0, filesOf(id), "files left behind by delete");
        }
    }

    /** The mount points at or under {@code dir}, as /proc/mounts lists them (real paths). */
    static List<String> mountsUnder(Path dir) throws IOException {
        Path real = dir.toAbsolutePath().normalize();
        for (Path existing = real; existing != null; existing = existing.getParent()) {
            if (Files.exists(existing)) { // the kernel lists real paths: resolve what exists of dir
                real = existing.toRealPath().resolve(existing.relativize(real));
                break;
            }
        }
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String point = line.split(" ")[1].replace("\\040", " ");
            if (Path.of(point).startsWith(real)) {
                points.add(point);
            }
        }
        return points;
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
