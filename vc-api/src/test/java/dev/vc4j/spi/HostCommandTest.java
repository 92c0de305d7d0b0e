package dev.vc4j.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real programs: the runner's whole job is how it treats a real child process. */
class HostCommandTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** A module's own exception type, to show that the runner throws what the caller's factory makes. */
    static final class ModuleException extends RuntimeException {
        ModuleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String run(Duration deadline, String... argv) {
        return HostCommand.run(List.of(argv), deadline, ModuleException::new);
    }

    private static ModuleException failure(Duration deadline, String... argv) {
        return assertThrows(ModuleException.class, () -> run(deadline, argv));
    }

    @Test
    void aProgramThatSucceedsGivesItsStandardOutputWithoutItsStandardError() {
        assertEquals("", run(DEADLINE, "/bin/true"));
        assertEquals("out\n", run(DEADLINE, "/bin/sh", "-c", "echo out; echo noise >&2"));
    }

    /**
     * A JVM killed while the program runs leaves no temporary file: the names go as soon as the program has started,
     * which the program itself sees. Not at once: it may look before the JVM has removed them, so it waits (5 s at
     * most) until its stdout has no name, then reports both.
     */
    @Test
    void theOutputFilesHaveNoNameWhileTheProgramRuns() {
        String target = run(
                DEADLINE,
                "/bin/sh",
                "-c",
                "i=0; while [ $i -lt 500 ]; do case \"$(readlink /proc/$$/fd/1)\" in *' (deleted)') break;; esac;"
                        + " sleep 0.01; i=$((i+1)); done; readlink /proc/$$/fd/1; readlink /proc/$$/fd/2 >&1");
        List<String> lines = target.lines().toList();
        assertEquals(2, lines.size(), target);
        for (String line : lines) {
            assertTrue(line.contains("vc4j-command") && line.endsWith(" (deleted)"), line);
        }
    }

    @Test
    void aFailureNamesTheCommandItsStatusAndItsTrimmedOutput() {
        assertEquals(
                "/bin/false failed with status 1: ",
                failure(DEADLINE, "/bin/false").getMessage());
        ModuleException e = failure(DEADLINE, "/bin/sh", "-c", "echo x; echo why >&2; exit 3");
        assertEquals("/bin/sh -c echo x; echo why >&2; exit 3 failed with status 3: why\nx", e.getMessage());
    }

    @Test
    void aFailureQuotesABoundedPartOfAFloodOfOutput() {
        ModuleException e = failure(DEADLINE, "/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' y; exit 2");
        assertTrue(e.getMessage().contains("failed with status 2: yyy"), e.getMessage());
        assertTrue(
                e.getMessage().length() < HostCommand.MAX_QUOTED + 200,
                "quoted " + e.getMessage().length());
    }

    @Test
    void aProgramThatCannotStartIsAFailureWithItsCause() {
        ModuleException e = failure(DEADLINE, "/nonexistent/vc4j-program");
        assertTrue(e.getMessage().startsWith("cannot run /nonexistent/vc4j-program: "), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void anOverrunIsKilledWithWhatItStartedAndNothingOutlivesTheRun(@TempDir Path dir) throws IOException {
        Path pids = dir.resolve("pids");
        long began = System.nanoTime();
        ModuleException e = failure(
                Duration.ofMillis(500), "/bin/sh", "-c", "sleep 60 & echo $$ $! > \"$0\"; wait", pids.toString());
        assertTrue(e.getMessage().endsWith(" did not finish within 500 ms"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(10)) < 0);
        for (String pid : Files.readString(pids).strip().split(" ")) {
            assertFalse(running(Path.of("/proc", pid, "stat")), "process " + pid + " outlived the run");
        }
    }

    /**
     * Whether the process is there and not a zombie: a killed grandchild waits as one for whoever inherits it (init,
     * or a subreaper) to reap it, which is not the runner's to do.
     */
    private static boolean running(Path stat) throws IOException {
        try {
            String fields = Files.readString(stat);
            return fields.charAt(fields.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    @Test
    void anOutputUpToTheCapIsReturnedWholeAndOneBeyondItIsAFailure() {
        int cap = HostCommand.MAX_OUTPUT;
        assertEquals(
                cap,
                run(DEADLINE, "head", "-c", Integer.toString(cap), "/dev/zero").length());
        ModuleException e = failure(DEADLINE, "head", "-c", Integer.toString(cap + 1), "/dev/zero");
        assertEquals("head -c " + (cap + 1) + " /dev/zero printed more than " + cap + " bytes", e.getMessage());
    }
}
