package dev.vc4j.it;

import dev.vc4j.GuestImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a main class of these tests in another JVM process on this run's store, as a second user would. */
final class OtherJvm {
    private static final long TIMEOUT_SECONDS = 180;

    private OtherJvm() {}

    /**
     * Its standard output; fails, showing its standard error too (where vc4j's log goes), unless it ends with
     * status 0 within the timeout.
     */
    static String run(Class<?> main, String... args) throws Exception {
        Path log = Files.createTempFile("vc4j-other-jvm", ".out");
        Path errors = Files.createTempFile("vc4j-other-jvm", ".err");
        try {
            Process other = start(main, log, errors, args);
            boolean ended = other.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                other.destroyForcibly().waitFor();
            }
            String output = Files.readString(log);
            String both = output + "\n-- its stderr:\n" + Files.readString(errors);
            assertTrue(ended, "the other JVM did not finish: " + both);
            assertEquals(0, other.exitValue(), both);
            return output;
        } finally {
            Files.delete(log);
            Files.delete(errors);
        }
    }

    /** Starts it with its standard output and error to {@code log} and {@code errors}, and its input closed. */
    static Process start(Class<?> main, Path log, Path errors, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + TestStore.ROOT_PROPERTY + "=" + TestStore.ROOT,
                // the guest image this run tests, for a JVM that boots a VM
                "-D" + GuestImage.DIR_PROPERTY + "=" + System.getProperty(GuestImage.DIR_PROPERTY, ""),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process other = new ProcessBuilder(command)
                .redirectOutput(log.toFile())
                .redirectError(errors.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        other.getOutputStream().close();
        return other;
    }
}
