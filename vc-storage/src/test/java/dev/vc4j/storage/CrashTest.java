package dev.vc4j.storage;

import dev.vc4j.SandboxState;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed with SIGKILL at random points of a write loop: the state it leaves always parses (the old
 * content or the new, never a mix), no completed write is lost, and its lock is free at once.
 */
class CrashTest {
    private static final int KILLS = 12;

    @TempDir
    Path dir;

    @Test
    void sigkillDuringWritesNeverLeavesABrokenStateOrAHeldLock() throws Exception {
        StoreRoots roots = new StoreRoots(dir.resolve("run"), dir.resolve("config"));
        FileSandboxStore store = new FileSandboxStore(roots);
        try (SandboxLock lock = store.lockNew("victim")) {
            store.createConfig(SandboxConfigs.minimal("victim"));
            store.writeState(new SandboxRecord("victim", SandboxState.READY, Instant.now(), null, Map.of()));
        }
        Random random = new Random(42);
        long lastCount = 0;
        for (int i = 0; i < KILLS; i++) {
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            StateWriteLoop.class.getName(),
                            roots.run().toString(),
                            roots.config().toString(),
                            "victim")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (var out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("writing", out.readLine(), "the writer did not start");
                Thread.sleep(random.nextInt(300));
                writer.destroyForcibly(); // SIGKILL on Linux
                assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            }

            SandboxRecord state = store.readState("victim").orElseThrow();
            long count = Long.parseLong(state.annotations().get("count"));
            assertTrue(count > lastCount, "kill " + i + ": count went from " + lastCount + " to " + count);
            lastCount = count;
            // the kernel drops a dead process's flocks: a short deadline is plenty
            SandboxFileLock.acquire(
                            store.runDir("victim").resolve(FileSandboxStore.LOCK_FILE), true, Duration.ofMillis(200))
                    .close();
        }
        try (Stream<Path> files = Files.list(store.runDir("victim"))) {
            long temps = files.filter(p -> p.getFileName().toString().contains(".tmp"))
                    .count();
            assertTrue(temps <= 1, temps + " temp files piled up; one, overwritten by the next write, is the most");
        }
    }
}
