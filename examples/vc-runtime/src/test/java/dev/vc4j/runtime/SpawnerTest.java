package dev.vc4j.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SpawnerTest {

    @Test
    void outliveWaitsWhileTheStarterIsStillTheParent() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        long start = System.nanoTime();
        Spawner.outlive(parent, Duration.ofMillis(300));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(Duration.ofMillis(300)) >= 0, "returned after only " + waited);
    }

    @Test
    void outliveReturnsAtOnceWhenTheStarterIsGone() {
        long start = System.nanoTime();
        Spawner.outlive(ProcessHandle.current().pid(), Duration.ofSeconds(30));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(Duration.ofSeconds(5)) < 0, "waited " + waited);
    }
}
