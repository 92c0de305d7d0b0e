package dev.vc4j.storage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.vc4j.StorageException;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.SandboxRecord;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stored file as whatever a crash, a full disk or another program left in it. The first byte picks the kind
 * of file, the rest is its content. Reading it gives the record, which then survives being written and read
 * again, or a {@link StorageException} naming the file: never another exception, so that {@code cleanup()}
 * can tell a broken sandbox from a bug.
 */
class StoreFilesFuzzTest {
    private static final Path FILE = Path.of("/run/vc4j/sbs/fuzz/state.json");
    private static final List<Class<?>> KINDS = List.of(
            SandboxRecord.class, ContainerRecord.class, dev.vc4j.SandboxConfig.class, dev.vc4j.ContainerConfig.class);

    @FuzzTest(maxDuration = "20s")
    void storedFile(@NotNull byte[] input) {
        if (input.length == 0) {
            return;
        }
        Class<?> kind = KINDS.get(Byte.toUnsignedInt(input[0]) % KINDS.size());
        byte[] content = Arrays.copyOfRange(input, 1, input.length);
        Object value;
        try {
            value = VersionedJson.decode(content, kind, FILE);
        } catch (StorageException e) {
            assertEquals(FILE, e.path());
            return;
        }
        assertEquals(value, VersionedJson.decode(VersionedJson.encode(value), kind, FILE));
    }
}
