package dev.vc4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The API's names do not collide with java.lang's: a class that imports {@code dev.vc4j.*} and the OCI model's
 * {@code dev.vc4j.oci.*}, as a new user would, still means the JDK's {@code Process} by {@code Process}.
 */
class WildcardImportTest {
    @TempDir
    Path dir;

    @Test
    void aClassImportingTheWholeApiUsesJavaLangProcessAndAContainersProcess() throws IOException {
        Path source = Files.writeString(dir.resolve("Embedder.java"), """
                import dev.vc4j.*;
                import dev.vc4j.oci.*;

                import java.time.Duration;

                class Embedder {
                    int run(Container container) throws Exception {
                        Process onTheHost = new ProcessBuilder("true").start();
                        try (ContainerProcess inTheGuest = container.process()) {
                            return onTheHost.waitFor() + inTheGuest.waitFor(Duration.ofSeconds(10));
                        }
                    }
                }
                """);
        assertEquals(List.of(), EmbedderCompiler.errorsOnClassPath(List.of(source), dir.resolve("out")));
    }
}
