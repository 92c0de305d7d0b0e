package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a host stream gone wrong, or data that looks like protocol, does to the real agent (host mode): nothing
 * beyond a refusal of what is over its limits.
 */
class HostModeHostileInputTest extends HostModeFixture {
    private static final String HELLO = "VC4J-HELLO 00112233445566778899aabbccddeeff\n";
    private static final int CALLS = 12;
    private static final int STDIN_BYTES = 3_500_000;

    @Test
    void helloLinesInStdinAndArgvAreDataAndTheSessionGoesOn() throws Exception {
        session = connect();
        CompletableFuture<ExecResult> slow = CompletableFuture.supplyAsync(
                () -> session.runProcess(GuestCommand.of("sh", "-c", "sleep 1; echo late")));
        ExecResult echoed = session.runProcess(GuestCommand.builder()
                .args("sh", "-c", "cat; printf %s \"$1\"", "sh", HELLO)
                .stdin(HELLO.getBytes(StandardCharsets.US_ASCII))
                .build());
        assertEquals(HELLO + HELLO, echoed.stdoutText());
        assertEquals("late\n", slow.get(30, TimeUnit.SECONDS).stdoutText());
        session.check();
    }

    @Test
    void callsOverTheMemoryBudgetAreRefusedAndTheAgentLives() throws Exception {
        session = connect();
        byte[] stdin = new byte[STDIN_BYTES];
        Arrays.fill(stdin, (byte) 'x');
        // Each call holds its request body and a copy of its stdin for as long as its process runs (it never reads
        // stdin): twelve of them want about 84 MB, over the agent's 64 MiB.
        GuestCommand holder =
                GuestCommand.builder().args("sleep", "1").stdin(stdin).build();
        ExecutorService pool = Executors.newFixedThreadPool(CALLS);
        List<Future<ExecResult>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < CALLS; i++) {
                calls.add(pool.submit(() -> session.runProcess(holder)));
            }
            int refused = 0;
            int ran = 0;
            for (Future<ExecResult> call : calls) {
                try {
                    assertEquals(0, call.get(30, TimeUnit.SECONDS).exitCode());
                    ran++;
                } catch (ExecutionException e) {
                    AgentException refusal = (AgentException) e.getCause();
                    assertTrue(refusal.getMessage().contains("memory budget"), refusal.getMessage());
                    refused++;
                }
            }
            assertTrue(refused > 0 && ran > 0, ran + " ran, " + refused + " refused");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        // Everything was given back: a call as large as the others goes through whole.
        ExecResult counted = session.runProcess(
                GuestCommand.builder().args("wc", "-c").stdin(stdin).build());
        assertEquals(STDIN_BYTES + "\n", counted.stdoutText());
    }
}
