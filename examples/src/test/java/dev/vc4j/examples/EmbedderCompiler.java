package dev.vc4j.examples;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.Sandbox;
import org.slf4j.LoggerFactory;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Compiles code as an embedder's build would: with the JDK's compiler, against vc4j's built artifacts. */
final class EmbedderCompiler {
    private EmbedderCompiler() {}

    /** One error of the compiler, at {@code line} of {@code file}. */
    record CompileError(Path file, long line, String message) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line + ": " + message;
        }
    }

    /** The compiler's errors for {@code sources}; none when they compile. */
    static List<CompileError> errors(List<Path> sources, List<String> options) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d ->
                        new CompileError(Path.of(d.getSource().toUri()), d.getLineNumber(), d.getMessage(Locale.ROOT)))
                .toList();
    }

    /** The compiler's errors for {@code sources} compiled for Java 17 on this test's class path into {@code out}. */
    static List<CompileError> errorsOnClassPath(List<Path> sources, Path out) {
        return errors(sources, List.of("--release", "17", "-cp", classPath(), "-d", out.toString()));
    }

    /** vc-api as this build resolved it: its classes directory or its jar, module-info.class included. */
    static Path vcApi() {
        return locationOf(Sandbox.class);
    }

    /** vc-api and the modules it requires (Jackson's for the OCI spec model, slf4j's), as an embedder's module path. */
    static String modulePath() {
        return Stream.of(Sandbox.class, ObjectMapper.class, JsonParser.class, JsonInclude.class, LoggerFactory.class)
                .map(EmbedderCompiler::locationOf)
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The class path of these tests: vc4j's modules and what they depend on. */
    private static String classPath() {
        return System.getProperty("java.class.path");
    }
}
