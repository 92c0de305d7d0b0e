package dev.vc4j.it;

import dev.vc4j.GuestCommand;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.VcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A guest kernel panic ends the VM and says so, without a command pending on the control socket. */
class GuestPanicIT {
    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest("panic", HypervisorConfig.defaults());

    @Test
    void aPanickingGuestIsNoticedWithItsPanicEvent() throws Exception {
        GuestVm guest = SHARED.get();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        guest.vm.onExit(() -> ended.complete(null));
        CompletableFuture.runAsync(() -> {
            try {
                guest.agent.runProcess(GuestCommand.builder()
                        .args("sh", "-c", "echo c > /proc/sysrq-trigger")
                        .timeout(Duration.ofSeconds(5))
                        .build());
            } catch (VcException e) {
                // the agent dies with its kernel: the call cannot answer
            }
        });
        ended.get(30, TimeUnit.SECONDS);
        // onExit can fire on the monitor socket's end, a moment before QEMU's process is reaped
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                guest.vm.isAlive() && System.nanoTime() < deadline; ) {
            Thread.sleep(10);
        }
        assertFalse(guest.vm.isAlive());
        String reason = guest.vm.deathReason().orElseThrow();
        assertTrue(reason.contains("GUEST_PANICKED") && reason.contains("exited with status 1"), reason);
        // the panic's own line, which the trace after it can push out of the console's tail, and that tail
        assertTrue(reason.contains("the guest kernel said: Kernel panic - not syncing: sysrq triggered crash"), reason);
        assertTrue(reason.contains("--- guest console"), reason);
    }
}
