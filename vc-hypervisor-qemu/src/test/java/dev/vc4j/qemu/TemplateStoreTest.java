package dev.vc4j.qemu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Templates on disk: complete ones are listed, half-written ones are not, and each is used under its lock. */
class TemplateStoreTest {
    @TempDir
    Path root;

    private TemplateStore store() {
        return new TemplateStore(root);
    }

    private static void complete(TemplateStore.Entry entry) throws Exception {
        Files.write(entry.memory(), new byte[4096]);
        Files.write(entry.state(), new byte[100]);
        entry.writeMeta(new TemplateStore.Meta(TemplateStore.FORMAT, "inputs", 4096, 1));
    }

    @Test
    void aTemplateIsListedOnceItsRecordIsWritten() throws Exception {
        TemplateStore store = store();
        try (TemplateStore.Entry entry = store.lock("abc")) {
            Files.write(entry.memory(), new byte[4096]);
            Files.write(entry.state(), new byte[100]);
            assertEquals(List.of(), store.list(), "a half-written template");
            entry.writeMeta(new TemplateStore.Meta(TemplateStore.FORMAT, "inputs", 4096, 1));
            assertEquals("inputs", entry.readMeta().orElseThrow().inputs());
        }
        assertEquals(1, store.list().size());
        assertEquals(4096, store.list().get(0).memoryBytes());
        assertEquals(100, store.list().get(0).stateBytes());
        assertFalse(Files.exists(root.resolve("abc/template.json.tmp")));
    }

    @Test
    void aRecordOfAnotherFormatIsNoTemplate() throws Exception {
        try (TemplateStore.Entry entry = store().lock("abc")) {
            complete(entry);
            entry.writeMeta(new TemplateStore.Meta(TemplateStore.FORMAT + 1, "inputs", 4096, 1));
            assertTrue(entry.readMeta().isEmpty());
        }
    }

    @Test
    void clearKeepsOnlyTheLockAndRemoveAllLeavesNothing() throws Exception {
        TemplateStore store = store();
        try (TemplateStore.Entry entry = store.lock("abc")) {
            complete(entry);
            entry.clear();
            try (var left = Files.list(entry.dir)) {
                assertEquals(List.of(entry.dir.resolve("lock")), left.toList());
            }
        }
        try (TemplateStore.Entry entry = store.lock("def")) {
            complete(entry);
        }
        assertEquals(2, store.removeAll());
        try (var left = Files.list(root)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aSecondUserOfATemplateWaitsForTheFirst() throws Exception {
        TemplateStore store = store();
        CompletableFuture<Void> second;
        try (TemplateStore.Entry entry = store.lock("abc")) {
            second = CompletableFuture.runAsync(() -> store.lock("abc").close());
            assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        }
        second.get(5, TimeUnit.SECONDS);
    }
}
