package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.StorageException;
import dev.vc4j.storage.FileSandboxStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two processes x 8 threads on one sandbox (real VMs, one at a time: start and stop hold the exclusive lock)
 * for 30 s: only illegal-state refusals, no lost annotation, nothing stuck, and a state file that parses
 * whenever anyone reads it.
 */
class ConcurrencyIT {
    private static final int THREADS = 8;
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final Pattern ANNOTATED = Pattern.compile("^annotated (\\S+) (\\d+)$", Pattern.MULTILINE);

    @Test
    void twoProcessesOfEightThreadsShareOneSandbox() throws Exception {
        String id = TestStore.uniqueId("conc");
        Sandbox sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder().id(id).build());
        sandbox.close();
        Path log = Files.createTempFile("vc4j-concurrency", ".log");
        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-D" + TestStore.ROOT_PROPERTY + "=" + TestStore.ROOT,
                        "-cp",
                        System.getProperty("java.class.path"),
                        MixedOperations.class.getName(),
                        id,
                        "p2",
                        String.valueOf(THREADS),
                        String.valueOf(RUN.toSeconds()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        StateReader reader = new StateReader(id);
        reader.start();
        try {
            List<MixedOperations.ThreadOutcome> here = MixedOperations.run(id, "p1", THREADS, RUN);
            boolean otherEnded = other.waitFor(240, TimeUnit.SECONDS);
            String otherOutput = Files.readString(log);
            assertTrue(otherEnded, "the other process is stuck: " + otherOutput);
            System.out.print(otherOutput);
            assertEquals(0, other.exitValue(), otherOutput);
            reader.stopAndJoin();

            for (MixedOperations.ThreadOutcome o : here) {
                System.out.println(o);
                assertTrue(o.unexpected().isEmpty(), o.prefix() + ": " + o.unexpected());
            }
            assertNull(reader.failure.get(), "a reader saw a state file that does not parse");
            assertTrue(reader.reads.get() > 100, "the reader hardly ran: " + reader.reads.get());

            Map<String, String> annotations = sandbox.annotations();
            int expected = 0;
            for (String[] counted : counts(here, otherOutput)) {
                int n = Integer.parseInt(counted[1]);
                expected += n;
                for (int i = 0; i < n; i++) {
                    assertTrue(
                            annotations.containsKey(counted[0] + "-" + i), "lost annotation " + counted[0] + "-" + i);
                }
            }
            assertEquals(expected, annotations.size(), "annotations nobody set");
            assertTrue(expected > THREADS, "too few operations to mean anything: " + expected);
        } finally {
            other.destroyForcibly().waitFor();
            reader.stopAndJoin();
            Files.deleteIfExists(log);
            if (sandbox.status().state() == SandboxState.RUNNING) {
                sandbox.stop(StopMode.IMMEDIATE);
            }
            sandbox.delete();
        }
        assertEquals(0, TestStore.filesOf(id));
        assertTrue(
                ProcessHandle.allProcesses()
                        .noneMatch(p -> p.info().commandLine().orElse("").contains(id)),
                "a QEMU of the sandbox is left running");
    }

    /** Each thread's key prefix and how many annotations it set, from this process and from the other. */
    private static List<String[]> counts(List<MixedOperations.ThreadOutcome> here, String otherOutput) {
        List<String[]> counts = new ArrayList<>();
        here.forEach(o -> counts.add(new String[] {o.prefix(), String.valueOf(o.annotations())}));
        Matcher m = ANNOTATED.matcher(otherOutput);
        while (m.find()) {
            counts.add(new String[] {m.group(1), m.group(2)});
        }
        assertEquals(2 * THREADS, counts.size(), otherOutput);
        return counts;
    }

    /** Reads the state file without any lock, as fast as it can: a reader must never see a partial write. */
    private static final class StateReader extends Thread {
        private final FileSandboxStore store = new FileSandboxStore(TestStore.ROOTS);
        private final String id;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger reads = new AtomicInteger();
        private final AtomicReference<StorageException> failure = new AtomicReference<>();

        StateReader(String id) {
            super("state-reader");
            this.id = id;
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    store.readState(id);
                    reads.incrementAndGet();
                } catch (StorageException e) {
                    failure.compareAndSet(null, e);
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            running.set(false);
            join(10_000);
        }
    }
}
