package dev.vc4j.it;

import dev.vc4j.VirtContainers;
import dev.vc4j.VmTemplates;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM SIGKILLed while it holds a warm pool runs no exit hook: its pooled QEMU, paused and part of no sandbox,
 * would run on. cleanup() from another process, one without templates, ends it and removes its directory.
 */
class KilledPoolIT {
    private static final Duration POOL_FILLED = Duration.ofSeconds(240);
    private static final Path POOL = TestStore.ROOTS.run().resolve("templates-pool");

    @Test
    void cleanupFromAnotherProcessEndsThePooledVmOfAKilledJvmAndRemovesItsFiles() throws Exception {
        Path out = Files.createTempFile("vc4j-pool-holder", ".out");
        Path err = Files.createTempFile("vc4j-pool-holder", ".err");
        List<ProcessHandle> pooled = List.of();
        try {
            Process holder = OtherJvm.start(PoolHolder.class, out, err, TestStore.uniqueId("pooler"));
            long deadline = System.nanoTime() + POOL_FILLED.toNanos();
            while (!Files.readString(err).contains("pooled a paused clone")) {
                assertTrue(holder.isAlive(), "the holder ended early: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "the pool never filled: " + Files.readString(err));
                Thread.sleep(100);
            }
            pooled = qemusOfThePool();
            assertEquals(1, pooled.size(), "pooled QEMUs: " + pooled);
            holder.destroyForcibly(); // SIGKILL: no exit hook drains the pool
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertTrue(pooled.get(0).isAlive(), "the pooled QEMU outlives its JVM");

            TestStore.virtContainers().cleanup();

            pooled.get(0).onExit().get(15, TimeUnit.SECONDS); // a TimeoutException while QEMU still runs
            assertEquals(List.of(), qemusOfThePool());
            assertEquals(List.of(), TestStore.mountsUnder(POOL), "mounts left behind");
            if (Files.exists(POOL)) {
                try (Stream<Path> left = Files.walk(POOL)) {
                    assertEquals(List.of(POOL), left.toList(), "left by cleanup()");
                }
            }
        } finally {
            pooled.forEach(ProcessHandle::destroyForcibly); // a failed test must not leak what it tests
            // the killed JVM's transient templates
            VirtContainers.builder()
                    .roots(TestStore.ROOTS)
                    .templates(VmTemplates.transientTemplates())
                    .build()
                    .cleanup();
            Files.delete(out);
            Files.delete(err);
        }
    }

    private static List<ProcessHandle> qemusOfThePool() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(POOL.toString()))
                .toList();
    }
}
