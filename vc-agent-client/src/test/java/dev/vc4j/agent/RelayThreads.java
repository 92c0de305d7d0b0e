package dev.vc4j.agent;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The threads this module starts all carry the {@code vc4j-agent} prefix; a closed session leaves none. */
final class RelayThreads {
    private RelayThreads() {
    }

    static void assertNoneLeft() {
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("vc4j-agent"))
                .collect(Collectors.toList());
        assertEquals(List.of(), left, "threads left running");
    }
}
