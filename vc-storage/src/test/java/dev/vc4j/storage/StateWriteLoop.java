package dev.vc4j.storage;

import dev.vc4j.SandboxState;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The victim of {@link CrashTest}: rewrites a sandbox's state under its exclusive lock, as fast as it can,
 * until it is killed. Each state carries a counter; it prints "writing" once the first write is done.
 */
public final class StateWriteLoop {
    private StateWriteLoop() {}

    public static void main(String[] args) {
        FileSandboxStore store = new FileSandboxStore(new StoreRoots(Path.of(args[0]), Path.of(args[1])));
        String id = args[2];
        for (long n = 0; ; n++) {
            try (SandboxLock lock = store.lock(id, true)) {
                SandboxRecord previous = store.readState(id).orElseThrow();
                long count = Long.parseLong(previous.annotations().getOrDefault("count", "0")) + 1;
                store.writeState(new SandboxRecord(
                        id,
                        SandboxState.RUNNING,
                        Instant.now(),
                        null,
                        Map.of("count", String.valueOf(count), "padding", "x".repeat((int) (n % 4096)))));
            }
            if (n == 0) {
                System.out.println("writing");
                System.out.flush();
            }
        }
    }
}
