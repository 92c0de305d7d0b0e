package dev.vc4j.agent;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared event loops: one pair of threads for every session, gone once the last session has let go. */
class AgentEventLoopsTest {

    private static Thread threadOf(EventLoopGroup group) throws Exception {
        return group.submit(Thread::currentThread).get();
    }

    @Test
    void sessionsShareTheLoopsAndATakeBackWithinTheLingerKeepsTheirThreads() throws Exception {
        AgentEventLoops first = AgentEventLoops.acquire();
        AgentEventLoops second = AgentEventLoops.acquire();
        assertSame(first, second);
        Thread local = threadOf(first.local());
        Thread sockets = threadOf(first.sockets());
        first.release();
        second.release();
        AgentEventLoops again = AgentEventLoops.acquire();
        try {
            assertSame(first, again);
            assertSame(local, threadOf(again.local()));
            assertSame(sockets, threadOf(again.sockets()));
        } finally {
            again.release();
        }
    }

    @Test
    void theThreadsEndOnceTheLastHolderHasLetGo() throws Exception {
        AgentEventLoops loops = AgentEventLoops.acquire();
        List<Thread> threads = List.of(threadOf(loops.local()), threadOf(loops.sockets()));
        assertTrue(
                AgentThreads.alive().containsAll(threads), AgentThreads.alive().toString());
        loops.release();
        long deadline =
                System.nanoTime() + AgentEventLoops.LINGER.plusSeconds(3).toNanos();
        List<Thread> alive = AgentThreads.alive();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            alive = AgentThreads.alive();
        }
        assertEquals(List.of(), alive, "threads left running");
        AgentEventLoops next = AgentEventLoops.acquire();
        try {
            assertTrue(next != loops, "ended loops are not handed out again");
        } finally {
            next.release();
        }
    }

    @Test
    void releasingMoreOftenThanAcquiredIsAnError() {
        AgentEventLoops loops = AgentEventLoops.exclusive(SocketTransport.detected());
        loops.release();
        assertThrows(IllegalStateException.class, loops::release);
    }
}
