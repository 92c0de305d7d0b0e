package dev.vc4j.examples;

import dev.vc4j.examples.EmbedderCompiler.CompileError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vc-api's module exports the API, the OCI model and the SPI, not the engine: an embedder's module that requires
 * it is compiled here against vc-api (and the Jackson and slf4j modules it requires) on the module path, as the
 * embedder's build would.
 */
class ModuleBoundaryTest {
    @TempDir
    Path dir;

    @Test
    void anEmbeddersModuleCompilesAgainstTheApiAndTheSpi() throws IOException {
        List<CompileError> errors = compileEmbedderModule("""
                import dev.vc4j.Sandbox;
                import dev.vc4j.VirtContainers;
                import dev.vc4j.oci.Spec;
                import dev.vc4j.spi.SandboxStore;

                class Embedder {
                    Sandbox fetchFirst(VirtContainers vc, SandboxStore store) {
                        return vc.fetchSandbox(store.list().get(0));
                    }

                    String hostname(String configJson) {
                        return Spec.parse(configJson).hostname();
                    }
                }
                """);
        assertEquals(List.of(), errors);
    }

    @Test
    void theModuleSystemRefusesAnEmbedderTheEngine() throws IOException {
        List<CompileError> errors = compileEmbedderModule("""
                import dev.vc4j.internal.Undo;

                class Embedder {
                    Undo undo = new Undo();
                }
                """);
        assertTrue(
                errors.stream()
                        .anyMatch(e -> e.message().contains("package dev.vc4j.internal is not visible")
                                && e.message().contains("does not export")),
                errors.toString());
    }

    /** Module {@code embedder}, which requires dev.vc4j, with {@code source} as its one class. */
    private List<CompileError> compileEmbedderModule(String source) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/embedder"));
        Path moduleInfo =
                Files.writeString(dir.resolve("src/module-info.java"), "module embedder { requires dev.vc4j; }");
        Path embedder = Files.writeString(src.resolve("Embedder.java"), "package embedder;\n" + source);
        assertTrue(
                Files.exists(EmbedderCompiler.vcApi().resolve("module-info.class"))
                        || EmbedderCompiler.vcApi().toString().endsWith(".jar"),
                EmbedderCompiler.vcApi() + " is not vc-api");
        // an empty class path: the compiler in this JVM would take this JVM's, where vc-api is too
        Path noClasses = Files.createDirectories(dir.resolve("no-classes"));
        return EmbedderCompiler.errors(
                List.of(moduleInfo, embedder),
                List.of(
                        "--release",
                        "17",
                        "--module-path",
                        EmbedderCompiler.modulePath(),
                        "--class-path",
                        noClasses.toString(),
                        "-d",
                        dir.resolve("out").toString()));
    }
}
