package dev.vc4j.it;

import dev.vc4j.HypervisorConfig;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pause, resume and death of one real VM, observed from inside the guest and through the monitor socket. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmControlIT {
    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest("control", HypervisorConfig.defaults());

    @Test
    @Order(1)
    void aCounterInTheGuestStopsWhilePausedAndContinuesAfterResume() throws Exception {
        // ten increments per second of guest time, detached so that the agent's RunProcess returns
        SHARED.get()
                .sh("setsid sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.1; done'"
                        + " </dev/null >/dev/null 2>&1 &");
        Thread.sleep(1000);
        long beforePause = counter();
        SHARED.get().vm.pause();
        Thread.sleep(3000);
        SHARED.get().vm.resume();
        long afterResume = counter();
        // three seconds of running would have added about 30
        assertTrue(
                afterResume - beforePause < 10,
                "counter went from " + beforePause + " to " + afterResume + " across a 3 s pause");
        Thread.sleep(1000);
        long later = counter();
        assertTrue(
                later >= afterResume + 3, "counter went from " + afterResume + " to " + later + " in 1 s after resume");
    }

    @Test
    @Order(2)
    void sigkillIsNoticedThroughTheMonitorWithinOneSecond() throws Exception {
        CompletableFuture<Long> noticed = new CompletableFuture<>();
        SHARED.get().vm.onExit(() -> noticed.complete(System.nanoTime()));
        ProcessHandle qemu = ProcessHandle.of(SHARED.get().vm.record().pid()).orElseThrow();
        long killed = System.nanoTime();
        qemu.destroyForcibly();
        long millis = TimeUnit.NANOSECONDS.toMillis(noticed.get(10, TimeUnit.SECONDS) - killed);
        assertTrue(millis < 1000, "noticed after " + millis + " ms");
        assertFalse(SHARED.get().vm.isAlive());
        String reason = SHARED.get().vm.deathReason().orElseThrow();
        assertTrue(reason.contains("killed by signal 9"), reason);
    }

    private static long counter() {
        return Long.parseLong(SHARED.get().sh("cat /tmp/counter").strip());
    }
}
