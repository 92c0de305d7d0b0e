package dev.vc4j.agent;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The threads this module starts: all carry the {@code vc4j-agent} prefix, and are the event loops' only. */
final class AgentThreads {
    /** One thread for the gRPC side, one for the sockets; exclusive loops of a test may add theirs for a while. */
    static final int SHARED_LOOP_THREADS = 2;

    private static final Duration ENDING = Duration.ofSeconds(3);

    private AgentThreads() {}

    static List<Thread> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(AgentEventLoops.THREAD_PREFIX))
                .collect(Collectors.toList());
    }

    /**
     * No thread other than the shared event loops' (a connection, relay or session has none of its own). Released
     * exclusive loops of a test end at once, but not in no time: they get {@link #ENDING} to go.
     */
    static void assertOnlyTheSharedLoops() throws InterruptedException {
        long deadline = System.nanoTime() + ENDING.toNanos();
        List<String> names = names();
        while (names.size() > SHARED_LOOP_THREADS && System.nanoTime() < deadline) {
            Thread.sleep(10);
            names = names();
        }
        assertTrue(names.size() <= SHARED_LOOP_THREADS, "threads beyond the shared event loops: " + names);
    }

    private static List<String> names() {
        return alive().stream().map(Thread::getName).collect(Collectors.toList());
    }
}
