package dev.vc4j.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartBackoffTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shortRunsDoubleTheDelayFrom100MillisUpToAMinute() {
        RestartBackoff backoff = new RestartBackoff();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(backoff.delay("c", T0, T0.plusMillis(5)).toMillis());
        }
        assertEquals(
                List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 51200L, 60000L, 60000L), delays);
    }

    @Test
    void aRunOfTenSecondsStartsTheDelayOver() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.delay("c", T0, T0);
        backoff.delay("c", T0, T0);
        assertEquals(Duration.ofMillis(400), backoff.delay("c", T0, T0.plusSeconds(9)));
        assertEquals(Duration.ofMillis(100), backoff.delay("c", T0, T0.plusSeconds(10)));
        assertEquals(Duration.ofMillis(200), backoff.delay("c", T0, T0));
    }

    @Test
    void eachContainerHasItsOwnDelay() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.delay("a", T0, T0);
        backoff.delay("a", T0, T0);
        assertEquals(Duration.ofMillis(100), backoff.delay("b", T0, T0));
    }
}
