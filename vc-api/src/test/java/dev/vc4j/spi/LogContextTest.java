package dev.vc4j.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ids in the MDC: scoped on the calling thread, carried to the threads and tasks it starts. */
class LogContextTest {
    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void scopesNestAndPutBackWhatWasThere() {
        MDC.put("request", "r-1"); // an embedder's own key
        try (var sandbox = LogContext.sandbox("sb")) {
            try (var container = LogContext.container("sb", "web")) {
                assertEquals(
                        Map.of("request", "r-1", LogContext.SANDBOX, "sb", LogContext.CONTAINER, "web"),
                        MDC.getCopyOfContextMap());
                try (var again = LogContext.sandbox("sb")) {
                    assertNull(MDC.get(LogContext.CONTAINER), "work on the sandbox itself names no container");
                }
                assertEquals("web", MDC.get(LogContext.CONTAINER));
            }
            assertEquals(Map.of("request", "r-1", LogContext.SANDBOX, "sb"), MDC.getCopyOfContextMap());
        }
        assertEquals(Map.of("request", "r-1"), MDC.getCopyOfContextMap());
    }

    @Test
    void aThreadRunsWithTheContextOfItsStarterAsItWasWhenMade() throws InterruptedException {
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        Thread thread;
        try (var scope = LogContext.container("sb", "web")) {
            thread = LogContext.daemonThread("test-waiter", () -> seen.set(MDC.getCopyOfContextMap()));
        }
        thread.start(); // after the scope closed: the context was taken when the thread was made
        thread.join(10_000);
        assertEquals(Map.of(LogContext.SANDBOX, "sb", LogContext.CONTAINER, "web"), seen.get());
    }

    @Test
    void aPooledThreadKeepsNothingOfACarriedTask() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> MDC.put("pool", "own")).get(10, TimeUnit.SECONDS);
            AtomicReference<Map<String, String>> during = new AtomicReference<>();
            try (var scope = LogContext.sandbox("sb")) {
                pool.submit(LogContext.carried(() -> during.set(MDC.getCopyOfContextMap())))
                        .get(10, TimeUnit.SECONDS);
            }
            assertEquals(Map.of(LogContext.SANDBOX, "sb"), during.get(), "the task's context replaces the thread's");
            assertEquals(
                    Map.of("pool", "own"), pool.submit(MDC::getCopyOfContextMap).get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }
}
