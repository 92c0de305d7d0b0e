package dev.vc4j.internal;

import dev.vc4j.ErrorCode;
import dev.vc4j.Hook;
import dev.vc4j.HookException;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side hooks run as real /bin/sh scripts: order, stdin, environment, failures and the timeout kill. */
class OciHooksTest {
    private static final String STATE = OciSpec.state(
                    "sb", "created", 4242, Path.of("/run/vc4j/sbs/sb"), Map.of("owner", "test"))
            .toJson();

    @TempDir
    Path dir;

    private Hook script(String name, String body, List<String> env, Duration timeout) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return new Hook(file, List.of(name, "first-arg"), env, timeout);
    }

    private Hook script(String name, String body) throws IOException {
        return script(name, body, List.of(), null);
    }

    @Test
    void hooksRunInOrderWithTheStateOnStdinTheirArgsAndOnlyTheirEnvironment() throws IOException {
        Path log = dir.resolve("log");
        Hook first = script("first", "echo \"first $1 HOME=$HOME\" >> " + log + "; cat > " + dir.resolve("stdin"));
        Hook second = script("second", "echo \"second $GREETING\" >> " + log, List.of("GREETING=hi=there"), null);

        OciHooks.runAll("prestart", List.of(first, second), STATE);

        assertEquals("first first-arg HOME=\nsecond hi=there\n", Files.readString(log));
        assertEquals(
                "{\"ociVersion\":\"1.0.2\",\"id\":\"sb\",\"status\":\"created\",\"pid\":4242,"
                        + "\"bundle\":\"/run/vc4j/sbs/sb\",\"annotations\":{\"owner\":\"test\"}}",
                Files.readString(dir.resolve("stdin")));
    }

    @Test
    void aFailingHookStopsTheRunWithItsStatusAndOutput() throws IOException {
        Path log = dir.resolve("log");
        Hook failing = script("failing", "echo 'no network for you' >&2; exit 3");
        Hook after = script("after", "echo ran >> " + log);

        HookException e =
                assertThrows(HookException.class, () -> OciHooks.runAll("prestart", List.of(failing, after), STATE));

        assertEquals(failing.path(), e.hook());
        assertEquals(ErrorCode.HOOK_FAILED, e.code());
        assertTrue(e.getMessage().contains("status 3: no network for you"), e.getMessage());
        assertFalse(Files.exists(log), "the hook after the failed one ran");
    }

    @Test
    void runEachGoesOnAfterAFailureAndReportsIt() throws IOException {
        Path log = dir.resolve("log");
        List<VcException> failures = new ArrayList<>();

        OciHooks.runEach(
                "poststop",
                List.of(script("failing", "exit 1"), script("after", "echo ran >> " + log)),
                STATE,
                failures::add);

        assertEquals("ran\n", Files.readString(log));
        assertEquals(1, failures.size());
        assertTrue(failures.get(0) instanceof HookException, failures.toString());
    }

    @Test
    void aHookPastItsTimeoutIsKilledWithWhatItStarted() throws Exception {
        Path pids = dir.resolve("pids");
        Hook slow = script("slow", "sleep 60 & echo $$ $! > " + pids + "; wait", List.of(), Duration.ofMillis(500));
        long started = System.nanoTime();

        VcTimeoutException e = assertThrows(VcTimeoutException.class, () -> OciHooks.run("prestart", slow, STATE));

        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= 500 && millis < 5000, millis + " ms");
        assertEquals(Duration.ofMillis(500), e.deadline());
        for (String pid : Files.readString(pids).strip().split(" ")) {
            // killed, but one that is not our child is gone only once its new parent has reaped it
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (alive(pid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(alive(pid), "process " + pid + " of the hook still runs");
        }
    }

    private static boolean alive(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aHookThatDoesNotReadItsStdinStillSucceeds() throws IOException {
        OciHooks.runAll("prestart", List.of(script("quiet", "exit 0")), "x".repeat(1 << 20));
    }
}
