package dev.vc4j.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollPaceTest {
    private static final Duration SLICE = Duration.ofSeconds(30);

    @Test
    void earlyAnswersDoubleTheWaitUpToTheMaximumAndATimelyOneResetsIt() {
        PollPace pace = new PollPace();
        assertEquals(Duration.ofMillis(10), pace.after(true));
        assertEquals(Duration.ofMillis(20), pace.after(true));
        assertEquals(Duration.ofMillis(40), pace.after(true));
        for (int i = 0; i < 20; i++) {
            pace.after(true);
        }
        assertEquals(PollPace.MAX, pace.after(true));
        assertEquals(Duration.ZERO, pace.after(false));
        assertEquals(PollPace.FIRST, pace.after(true));
    }

    @Test
    void anEmptyAnswerIsEarlyBeforeHalfItsSliceAndNewsOnlyWhenRareAndInstant() {
        assertTrue(PollPace.early(false, false, Duration.ofMillis(3), SLICE));
        assertFalse(PollPace.early(false, false, Duration.ofSeconds(29), SLICE));
        assertFalse(PollPace.early(true, false, Duration.ofMillis(1), SLICE));
        assertTrue(PollPace.early(true, true, Duration.ofMillis(1), SLICE));
        assertFalse(PollPace.early(true, true, Duration.ofMillis(200), SLICE));
    }
}
