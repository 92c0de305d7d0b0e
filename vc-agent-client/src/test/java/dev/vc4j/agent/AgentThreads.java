package dev.vc4j.agent;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The threads this module starts: one reader per live connection, named with the {@code vc4j-agent-} prefix. */
final class AgentThreads {
    private static final Duration ENDING = Duration.ofSeconds(3);

    private AgentThreads() {}

    static List<Thread> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(Http2Connection.THREAD_PREFIX))
                .collect(Collectors.toList());
    }

    /**
     * No reader thread left: every session and connection was closed. A closed connection's thread ends at once,
     * but not in no time: it gets {@link #ENDING} to go.
     */
    static void assertNone() throws InterruptedException {
        long deadline = System.nanoTime() + ENDING.toNanos();
        List<String> names = names();
        while (!names.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            names = names();
        }
        assertTrue(names.isEmpty(), "agent threads left behind: " + names);
    }

    private static List<String> names() {
        return alive().stream().map(Thread::getName).collect(Collectors.toList());
    }
}
