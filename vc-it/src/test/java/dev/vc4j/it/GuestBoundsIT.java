package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.HypervisorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a guest gone wrong cannot do to the host, and what the agent protects itself from. */
class GuestBoundsIT {
    /** ConsoleRing's bound (128 KiB) and one read of slack. */
    private static final long FILE_BOUND = 128 * 1024 + 8192;

    private static final long FLOOD_BYTES = 600_000;

    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest("flood", HypervisorConfig.defaults());

    /** The agent is what keeps the guest up: the OOM killer must not pick it, and must still pick its children. */
    @Test
    void theAgentIsOffLimitsToTheOomKillerAndItsChildrenAreNot() {
        GuestVm guest = SHARED.get();
        assertEquals("-1000\n0\n", guest.sh("cat /proc/$PPID/oom_score_adj /proc/self/oom_score_adj"));
    }

    /** The host keeps only a bounded tail of the console in console.log, and the VM still answers meanwhile. */
    @Test
    void aFloodedConsoleStaysBoundedOnTheHostAndTheGuestAnswers() throws Exception {
        GuestVm guest = SHARED.get();
        Path console = guest.runDir.resolve("console.log");
        long sentBefore = serialBytesSent(guest);
        // 600 KB or 60 s, whichever comes first: a loaded host drains the serial port at a few KB/s
        CompletableFuture<ExecResult> flood =
                CompletableFuture.supplyAsync(() -> guest.agent.runProcess(GuestCommand.builder()
                        .args("sh", "-c", "yes console-flood | head -c " + FLOOD_BYTES + " > /dev/ttyS0")
                        .timeout(Duration.ofSeconds(60))
                        .build()));
        long largest = 0;
        while (!flood.isDone()) {
            long started = System.nanoTime();
            assertEquals("alive\n", guest.sh("echo alive"));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMs < 5000, "a command took " + tookMs + " ms during the flood");
            largest = Math.max(largest, Files.size(console));
            Thread.sleep(200);
        }
        ExecResult flooded = flood.get();
        if (flooded.exitCode() != 0) {
            // the guest's own business; shown for diagnosis
            System.out.printf(
                    "the flood ended with %d (timed out: %s): %s%n%s%n",
                    flooded.exitCode(), flooded.timedOut(), flooded.stderrText(), guest.sh("dmesg | tail -n 20"));
        }
        long sent = serialBytesSent(guest) - sentBefore;
        assertTrue(sent > FILE_BOUND, "the guest's serial port sent only " + sent + " bytes");
        largest = Math.max(largest, Files.size(console));
        assertTrue(largest <= FILE_BOUND, "console.log grew to " + largest + " bytes");
        String tail = Files.readString(console, StandardCharsets.ISO_8859_1);
        assertTrue(tail.contains("console-flood"), "console.log holds no flood");
        System.out.printf("the serial port sent %d bytes, console.log held at most %d bytes%n", sent, largest);
    }

    /** The guest kernel's count of bytes its first serial port transmitted. */
    private static long serialBytesSent(GuestVm guest) {
        String line = guest.sh("grep '^0:' /proc/tty/driver/serial");
        Matcher tx = Pattern.compile(" tx:(\\d+)").matcher(line);
        assertTrue(tx.find(), line);
        return Long.parseLong(tx.group(1));
    }
}
