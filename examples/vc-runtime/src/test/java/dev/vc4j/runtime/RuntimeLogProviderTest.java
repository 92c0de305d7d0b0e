package dev.vc4j.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's slf4j lines as vc-runtime writes them to {@code --log}. */
class RuntimeLogProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void noLog() {
        RuntimeLog.install(new RuntimeLog(null, false, false));
    }

    @Test
    void warningsAndErrorsReachTheJsonLogAndInfoOnlyWithDebug() throws IOException {
        Path log = dir.resolve("log.json");
        RuntimeLog.install(new RuntimeLog(log, true, false));
        Logger logger = LoggerFactory.getLogger("dev.vc4j.qemu");
        logger.info("sandbox {} started", "s1");
        logger.warn("cannot read the console of {}", "s1", new IllegalStateException("gone"));
        logger.error("QEMU ended");
        List<JsonNode> lines = lines(log);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("warning", lines.get(0).get("level").asText());
        assertEquals(
                "dev.vc4j.qemu: cannot read the console of s1: java.lang.IllegalStateException: gone",
                lines.get(0).get("msg").asText());
        assertEquals("error", lines.get(1).get("level").asText());
        assertTrue(lines.get(1).hasNonNull("time"), lines.get(1).toString());

        RuntimeLog.install(new RuntimeLog(log, true, true));
        logger.info("sandbox {} started", "s2");
        logger.trace("never");
        List<JsonNode> more = lines(log);
        assertEquals(3, more.size(), more.toString());
        assertEquals("info", more.get(2).get("level").asText());
        assertEquals("dev.vc4j.qemu: sandbox s2 started", more.get(2).get("msg").asText());
    }

    @Test
    void theMdcKeepsTheSandboxIdOfTheThread() {
        MDC.put("vc4j.sandbox", "s1");
        try {
            assertEquals("s1", MDC.get("vc4j.sandbox"));
        } finally {
            MDC.remove("vc4j.sandbox");
        }
    }

    private static List<JsonNode> lines(Path log) throws IOException {
        return Files.readAllLines(log).stream()
                .map(RuntimeLogProviderTest::parse)
                .toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + line, e);
        }
    }
}
