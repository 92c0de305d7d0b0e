package dev.vc4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The benchmark's result: a table on stdout and the same figures as JSON. */
record Report(String when, String machine, String accelerator, boolean longRun, List<Figure> figures) {
    private static final String ROW = "%-4s %-52s %10s %10s %10s %-6s %3s  %-4s %6s  %-14s %s%n";

    void print(PrintStream out) {
        out.printf(
                "vc4j benchmark, %s, %s, accelerator %s%s%n", when, machine, accelerator, longRun ? " (long run)" : "");
        out.printf(ROW, "id", "figure", "median", "min", "max", "unit", "n", "base", "ratio", "goal", "");
        for (Figure f : figures) {
            if (!f.available()) {
                out.printf(ROW, f.id(), f.what(), "-", "-", "-", "", "", "", "", "", f.note());
                continue;
            }
            out.printf(
                    ROW,
                    f.id(),
                    f.what(),
                    number(f.stats().median()),
                    number(f.stats().min()),
                    number(f.stats().max()),
                    f.unit(),
                    f.stats().n(),
                    f.baseline() == null ? "" : f.baseline(),
                    f.ratio() == null ? "" : String.format("%.2f", f.ratio()),
                    f.goal() == null ? "" : f.goal(),
                    (f.goalMet() == null ? "" : f.goalMet() ? "met" : "NOT MET")
                            + (f.note() == null ? "" : (f.goalMet() == null ? "" : "; ") + f.note()));
        }
    }

    void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}
