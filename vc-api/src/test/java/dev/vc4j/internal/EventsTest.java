package dev.vc4j.internal;

import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxEventListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventsTest {
    private final Events events = new Events();

    @Test
    void listenersHearTheirSandboxsEventsInOrderEvenAfterAFailingListener() throws InterruptedException {
        List<String> heard = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        SandboxEvent.Type last = SandboxEvent.Type.values()[SandboxEvent.Type.values().length - 1];
        events.subscribe(null, e -> {
            throw new IllegalStateException("a broken listener");
        });
        events.subscribe("a", e -> {
            heard.add(e.type() + " " + e.sandboxId());
            if (e.type() == last) {
                done.countDown();
            }
        });
        for (SandboxEvent.Type type : SandboxEvent.Type.values()) {
            events.publish("b", type);
            events.publish("a", type);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        List<String> expected = new ArrayList<>();
        for (SandboxEvent.Type type : SandboxEvent.Type.values()) {
            expected.add(type + " a");
        }
        assertEquals(expected, heard);
    }

    @Test
    void aClosedRegistrationHearsNothingMore() throws InterruptedException {
        List<SandboxEvent> heard = new ArrayList<>();
        CountDownLatch last = new CountDownLatch(1);
        SandboxEventListener.Registration registration = events.subscribe(null, heard::add);
        events.publish("a", SandboxEvent.Type.CREATE);
        registration.close();
        events.publish("a", SandboxEvent.Type.START);
        events.subscribe(null, e -> last.countDown());
        events.publish("a", SandboxEvent.Type.STOP);
        assertTrue(last.await(10, TimeUnit.SECONDS));
        assertEquals(1, heard.size());
        assertEquals(SandboxEvent.Type.CREATE, heard.get(0).type());
    }
}
