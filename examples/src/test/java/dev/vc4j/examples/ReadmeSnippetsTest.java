package dev.vc4j.examples;

import dev.vc4j.examples.EmbedderCompiler.CompileError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ```java} block of the project's README compiles against vc4j's artifacts, each on its own, as the
 * body of a method of a class that imports {@code dev.vc4j.*} and the usual java packages; the prose takes one
 * thing as given throughout: {@code vc}, the VirtContainers of the first example.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final List<String> BEFORE = List.of(
            "import dev.vc4j.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.util.*;",
            "class %s {",
            "    VirtContainers vc;",
            "    void run() throws Exception {");
    private static final List<String> AFTER = List.of("    }", "}");

    @TempDir
    Path dir;

    /** A {@code ```java} block: its lines and the README line of the first. */
    private record Snippet(int firstLine, List<String> lines) {}

    @Test
    void everyJavaSnippetOfTheReadmeCompiles() throws IOException {
        List<Snippet> snippets = snippets(Files.readAllLines(README));
        assertTrue(snippets.size() >= 3, "the README's java snippets were not found: " + snippets);
        List<Path> sources = new ArrayList<>();
        for (Snippet snippet : snippets) {
            String name = "ReadmeLine" + snippet.firstLine();
            List<String> lines = new ArrayList<>(BEFORE);
            lines.set(BEFORE.indexOf("class %s {"), "class " + name + " {");
            lines.addAll(snippet.lines());
            lines.addAll(AFTER);
            sources.add(Files.write(dir.resolve(name + ".java"), lines));
        }
        List<CompileError> errors = EmbedderCompiler.errorsOnClassPath(sources, dir.resolve("out"));
        assertEquals(
                List.of(), errors.stream().map(ReadmeSnippetsTest::inReadme).toList());
    }

    private static List<Snippet> snippets(List<String> readme) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).strip().equals("```java")) {
                int first = i + 1;
                while (i + 1 < readme.size() && !readme.get(i + 1).strip().equals("```")) {
                    i++;
                }
                snippets.add(new Snippet(first + 1, readme.subList(first, i + 1)));
            }
        }
        return snippets;
    }

    /** {@code README.md:<line>: <message>}, the line counted in the README from the error's line in its class. */
    private static String inReadme(CompileError error) {
        int firstLine = Integer.parseInt(error.file().getFileName().toString().replaceAll("\\D", ""));
        return "README.md:" + (firstLine + error.line() - BEFORE.size() - 1) + ": " + error.message();
    }
}
