package dev.vc4j.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The descriptor is released only once no call is in it any more, once, by whoever leaves last. */
class SharedDescriptorTest {
    private static final int FD = 42;

    private final List<String> events = new ArrayList<>();
    private final SharedDescriptor descriptor =
            new SharedDescriptor(FD, fd -> record("wake " + fd), fd -> record("release " + fd));

    private synchronized void record(String event) {
        events.add(event);
    }

    private synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Test
    void closedWithNoCallInItIsReleasedAtOnce() {
        descriptor.close();
        assertEquals(List.of("wake 42", "release 42"), events());
        descriptor.close();
        assertEquals(List.of("wake 42", "release 42"), events(), "a second close did something");
        assertEquals(-1, descriptor.enter());
    }

    @Test
    void aCallInProgressIsWokenAndTheLastToLeaveReleases() {
        assertEquals(FD, descriptor.enter());
        assertEquals(FD, descriptor.enter());
        descriptor.close();
        assertTrue(descriptor.isClosed());
        assertEquals(List.of("wake 42"), events(), "released under calls still in it");
        assertEquals(-1, descriptor.enter(), "a new call after close");
        descriptor.leave();
        assertEquals(List.of("wake 42"), events(), "released under a call still in it");
        descriptor.leave();
        assertEquals(List.of("wake 42", "release 42"), events());
    }

    /** Calls and closes from many threads at once: one release, never while a call is in the descriptor. */
    @Test
    void underConcurrentCallsAndClosesTheReleaseComesOnceAndAfterTheLastCall() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger inCall = new AtomicInteger();
            AtomicInteger releases = new AtomicInteger();
            List<String> releasedUnderACall = Collections.synchronizedList(new ArrayList<>());
            SharedDescriptor shared = new SharedDescriptor(FD, fd -> {}, fd -> {
                releases.incrementAndGet();
                if (inCall.get() != 0) {
                    releasedUnderACall.add("released with " + inCall.get() + " calls in it");
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                boolean closer = t % 3 == 0;
                Thread thread = new Thread(() -> {
                    awaitQuietly(go);
                    for (int i = 0; i < 50; i++) {
                        if (closer && i == 25) {
                            shared.close();
                        } else if (shared.enter() == FD) {
                            inCall.incrementAndGet();
                            Thread.yield();
                            inCall.decrementAndGet();
                            shared.leave();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), releasedUnderACall);
            assertEquals(1, releases.get(), "round " + round);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
