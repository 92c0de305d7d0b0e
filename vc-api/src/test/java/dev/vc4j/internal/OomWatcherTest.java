package dev.vc4j.internal;

import dev.vc4j.AgentException;
import dev.vc4j.StorageException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.GuestText;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The OOM watch's thread: hands each event on, and never outlives its session or stop(). */
class OomWatcherTest {

    private static boolean watcherThreadAlive(String sandboxId) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("vc4j-oom-" + sandboxId));
    }

    private static void awaitWatcherEnd(String sandboxId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watcherThreadAlive(sandboxId) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void eventsAreHandedOnUntilTheSessionFails() throws InterruptedException {
        AgentSession agent = mock(AgentSession.class);
        when(agent.awaitOomEvent(any()))
                .thenReturn(Optional.of("a"), Optional.empty(), Optional.of("b"))
                .thenThrow(new AgentException("GetOOMEvent", "the session is closed", null));
        List<String> killed = new CopyOnWriteArrayList<>();
        OomWatcher.start("sb-fails", agent, killed::add);
        awaitWatcherEnd("sb-fails");
        assertFalse(watcherThreadAlive("sb-fails"), "the watcher outlived its session");
        assertEquals(List.of("a", "b"), killed);
    }

    @Test
    void aFailingListenerDoesNotEndTheWatch() throws InterruptedException {
        AgentSession agent = mock(AgentSession.class);
        when(agent.awaitOomEvent(any()))
                .thenReturn(Optional.of("a"), Optional.of("b"))
                .thenThrow(new AgentException("GetOOMEvent", "the session is closed", null));
        List<String> killed = new CopyOnWriteArrayList<>();
        OomWatcher.start("sb-listener", agent, id -> {
            killed.add(id);
            throw new StorageException("the store is unreadable", java.nio.file.Path.of("state.json"), null);
        });
        awaitWatcherEnd("sb-listener");
        assertEquals(List.of("a", "b"), killed);
    }

    @Test
    void aGuestThatAnswersAtOnceIsPolledAtAPace() throws InterruptedException {
        AgentSession agent = mock(AgentSession.class);
        AtomicInteger polls = new AtomicInteger();
        when(agent.awaitOomEvent(any())).thenAnswer(call -> {
            polls.incrementAndGet();
            return Optional.empty();
        });
        OomWatcher watcher = OomWatcher.start("sb-instant", agent, id -> {});
        Thread.sleep(1000);
        watcher.stop();
        // 10 + 20 + ... + 640 ms: about 7 polls in a second, not millions
        assertTrue(polls.get() <= 10, polls.get() + " polls in a second");
    }

    @Test
    void containerIdsFromTheGuestAreBoundedAndEscaped() throws InterruptedException {
        AgentSession agent = mock(AgentSession.class);
        when(agent.awaitOomEvent(any()))
                .thenReturn(Optional.of("evil\n\u001b[2J" + "x".repeat(10_000)))
                .thenThrow(new AgentException("GetOOMEvent", "the session is closed", null));
        List<String> killed = new CopyOnWriteArrayList<>();
        OomWatcher.start("sb-evil", agent, killed::add);
        awaitWatcherEnd("sb-evil");
        assertEquals(1, killed.size());
        assertTrue(killed.get(0).startsWith("evil\\n\\x1b[2Jxxx"), killed.get(0));
        assertTrue(killed.get(0).length() <= GuestText.NAME_MAX + GuestText.CUT.length(), killed.get(0));
    }

    @Test
    void stopEndsAPollThatIsStillWaiting() throws InterruptedException {
        AgentSession agent = mock(AgentSession.class);
        CountDownLatch polling = new CountDownLatch(1);
        when(agent.awaitOomEvent(any())).thenAnswer(call -> {
            polling.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(1).toMillis());
                return Optional.empty();
            } catch (InterruptedException e) {
                // as a blocked gRPC call does: cancelled by the interrupt
                throw new AgentException("GetOOMEvent", "cancelled", e);
            }
        });
        OomWatcher watcher = OomWatcher.start("sb-stop", agent, id -> {});
        assertTrue(polling.await(5, TimeUnit.SECONDS));
        long started = System.nanoTime();
        watcher.stop();
        assertFalse(watcherThreadAlive("sb-stop"), "the watcher outlived stop()");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "stop() waited for the poll slice");
    }
}
