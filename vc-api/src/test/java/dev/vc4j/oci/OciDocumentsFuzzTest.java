package dev.vc4j.oci;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.vc4j.InvalidConfigException;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OCI documents an engine hands vc4j (config.json, an exec's process.json, update's resources) as
 * arbitrary bytes, read as UTF-8 as a file would be. A plain test run replays the seeds under {@code OciDocumentsFuzzTestInputs}; {@code make
 * fuzz-java} fuzzes. Whatever the text, the parser either returns a document that survives being written and
 * read again, or throws an {@link InvalidConfigException} whose message stays short: never another exception.
 */
class OciDocumentsFuzzTest {
    /** Field, quoted value (at most 200 characters) and reason: anything longer echoes the input back. */
    private static final int MESSAGE_LIMIT = 2_000;

    @FuzzTest(maxDuration = "20s")
    void configJson(@NotNull byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        Spec spec = readOrRefuse(json, Spec::parse);
        if (spec != null) {
            assertEquals(spec, Spec.parse(spec.toJson()));
            try {
                spec.validate();
            } catch (InvalidConfigException e) {
                assertBounded(e);
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void processJson(@NotNull byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        OciProcess process = readOrRefuse(json, OciProcess::parse);
        if (process != null) {
            assertEquals(process, OciProcess.parse(OciJson.write(process)));
        }
    }

    @FuzzTest(maxDuration = "20s")
    void resourcesJson(@NotNull byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        LinuxResources resources = readOrRefuse(json, LinuxResources::parse);
        if (resources != null) {
            assertEquals(resources, LinuxResources.parse(OciJson.write(resources)));
        }
    }

    private static <T> T readOrRefuse(String json, Function<String, T> parse) {
        try {
            return parse.apply(json);
        } catch (InvalidConfigException e) {
            assertBounded(e);
            return null;
        }
    }

    private static void assertBounded(InvalidConfigException e) {
        assertTrue(
                e.getMessage().length() <= MESSAGE_LIMIT,
                () -> "a " + e.getMessage().length() + "-character message");
    }
}
