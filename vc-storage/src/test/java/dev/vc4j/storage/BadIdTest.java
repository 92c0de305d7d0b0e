package dev.vc4j.storage;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.StoreRoots;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every store operation refuses an id that could leave its root, before touching the filesystem. */
class BadIdTest {
    @TempDir
    Path dir;

    static Stream<String> badIds() {
        return Stream.of("../outside", "a/b", "..", ".", "/etc", "nul\0byte", "x".repeat(300), "");
    }

    @ParameterizedTest
    @MethodSource("badIds")
    void everyOperationRefusesTheIdNamingItAndWritesNothing(String id) throws IOException {
        Path root = Files.createDirectory(dir.resolve("store"));
        FileSandboxStore store = new FileSandboxStore(new StoreRoots(root.resolve("run"), root.resolve("config")));
        List<Executable> operations = List.of(
                () -> store.runDir(id),
                () -> store.lock(id, false),
                () -> store.lock(id, true),
                () -> store.lockNew(id),
                () -> store.readConfig(id),
                () -> store.readState(id),
                () -> store.exists(id),
                () -> store.delete(id));
        for (Executable operation : operations) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, operation);
            assertEquals("id", e.field());
        }
        try (Stream<Path> everything = Files.walk(dir)) {
            assertEquals(List.of(dir, root), everything.sorted().toList(), "something was written");
        }
    }
}
