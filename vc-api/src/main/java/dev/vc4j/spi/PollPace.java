package dev.vc4j.spi;

import java.time.Duration;

/**
 * Paces a thread that long-polls the guest. An honest agent holds a poll until it has news or the poll's time is
 * up; a guest that answers at once with nothing, or floods news, would turn the polling thread into a busy loop on
 * the host. After such an early answer the thread waits before its next poll: {@link #FIRST}, doubling up to
 * {@link #MAX}; an answer that came in its own time resets the pace.
 */
public final class PollPace {
    public static final Duration FIRST = Duration.ofMillis(10);
    public static final Duration MAX = Duration.ofSeconds(1);
    /** News faster than this is a flood rather than a queue being drained. */
    public static final Duration INSTANT = Duration.ofMillis(50);

    private Duration next = Duration.ZERO;

    /**
     * Whether an answer came back early: without news before half of its poll's {@code slice}, or with news within
     * {@link #INSTANT} when {@code newsIsRare}.
     */
    public static boolean early(boolean news, boolean newsIsRare, Duration took, Duration slice) {
        if (!news) {
            return took.compareTo(slice.dividedBy(2)) < 0;
        }
        return newsIsRare && took.compareTo(INSTANT) < 0;
    }

    /** Records an answer, early or not, and returns how long to wait before the next poll. */
    public Duration after(boolean early) {
        if (!early) {
            next = Duration.ZERO;
        } else if (next.isZero()) {
            next = FIRST;
        } else if (next.compareTo(MAX.dividedBy(2)) < 0) {
            next = next.multipliedBy(2);
        } else {
            next = MAX;
        }
        return next;
    }

    /** {@link #after}, then waits that long. */
    public void pace(boolean early) throws InterruptedException {
        Duration wait = after(early);
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
    }
}
