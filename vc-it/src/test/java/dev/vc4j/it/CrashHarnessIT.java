package dev.vc4j.it;

import dev.vc4j.Sandbox;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM running sandboxes through create, start, exec, pause, stop and delete is killed with SIGKILL at a point
 * chosen in turn from every step, create's inside (its whole boot) most of all; then {@code cleanup()} from this
 * JVM must leave every sandbox usable or gone, and nothing behind: no unreadable state file, no QEMU, socket,
 * mount or directory. {@code -Dvc4j.crash.kills=200} for the long run; the test command runs a few.
 */
class CrashHarnessIT {
    private static final int KILLS = Integer.getInteger("vc4j.crash.kills", 6);
    /** Where a kill lands: create three times as often as any other step, for the steps inside it. */
    private static final List<String> TARGETS =
            List.of("create", "start", "create", "exec", "pause", "create", "stop", "delete", "container");

    private static final Path ROOT = TestStore.ROOT.resolve("crash");
    private static final StoreRoots ROOTS = new StoreRoots(ROOT.resolve("run"), ROOT.resolve("config"));

    @Test
    void everyKillIsCleanedUpCompletely() throws Exception {
        Path rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-crash-rootfs"));
        VirtContainers vc = VirtContainers.builder().roots(ROOTS).build();
        Random random = new Random(Long.getLong("vc4j.crash.seed", System.nanoTime()));
        CrashLeaks total = CrashLeaks.NONE;
        int unusable = 0;
        try {
            for (int i = 0; i < KILLS; i++) {
                String target = TARGETS.get(i % TARGETS.size());
                // create takes a boot (seconds under TCG); the other steps a few milliseconds to a second
                long delayMillis = random.nextInt(target.equals("create") ? 4000 : 400);
                killInside(target, delayMillis, rootfs);

                CrashLeaks corrupted = CrashLeaks.corruptedStateFiles(ROOTS);
                vc.cleanup();
                for (SandboxStatus left : vc.listSandboxes()) {
                    try {
                        // usable: it answers, and stops and deletes as a user would
                        Sandbox sandbox = vc.fetchSandbox(left.id());
                        if (sandbox.status().state() != SandboxState.STOPPED) {
                            sandbox.stop();
                        }
                        sandbox.delete();
                    } catch (RuntimeException e) {
                        unusable++;
                        System.err.println("after a kill in " + target + ": sandbox " + left.id() + " unusable: " + e);
                    }
                }
                CrashLeaks leaks = corrupted.plus(CrashLeaks.under(ROOTS));
                if (!leaks.isNone()) {
                    System.err.println("after a kill in " + target + " (+" + delayMillis + " ms): " + leaks);
                    CrashLeaks.removeAll(ROOTS); // each kill is counted on its own
                }
                total = total.plus(leaks);
            }
        } finally {
            HostRootfs.remove(rootfs);
        }
        System.out.println("crash harness: " + KILLS + " kills; " + total + "; unusable sandboxes " + unusable);
        assertEquals(CrashLeaks.NONE, total, "what the kills left behind");
        assertEquals(0, unusable, "sandboxes cleanup() left unusable");
    }

    /** Starts a {@link CrashVictim}, waits until it announces {@code step}, waits the delay and SIGKILLs it. */
    private static void killInside(String step, long delayMillis, Path rootfs) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + TestStore.ROOT_PROPERTY + "=" + ROOT,
                "-Dvc4j.guest.dir=" + System.getProperty("vc4j.guest.dir"),
                "-cp",
                System.getProperty("java.class.path"),
                CrashVictim.class.getName(),
                rootfs.toString()));
        Process victim = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String line;
            while ((line = out.readLine()) != null && !line.equals(CrashVictim.STEP + step)) {
                assertTrue(System.nanoTime() < deadline, "the victim never reached " + step);
            }
            assertTrue(line != null, "the victim ended before " + step);
            Thread.sleep(delayMillis);
        } finally {
            victim.destroyForcibly(); // SIGKILL
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the victim did not die");
        }
    }
}
