package dev.vc4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** A host process's resident and proportional set sizes in KiB, from /proc/PID/smaps_rollup. */
record ProcMemory(long rssKib, long pssKib) {
    static ProcMemory of(long pid) throws IOException {
        long rss = -1;
        long pss = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            if (line.startsWith("Rss:")) {
                rss = kib(line);
            } else if (line.startsWith("Pss:")) {
                pss = kib(line);
            }
        }
        if (rss < 0 || pss < 0) {
            throw new IOException("no Rss or Pss in /proc/" + pid + "/smaps_rollup");
        }
        return new ProcMemory(rss, pss);
    }

    /** This JVM's resident set in KiB (VmRSS of /proc/self/status). */
    static long selfRssKib() throws IOException {
        return field(Path.of("/proc/self/status"), "VmRSS:");
    }

    /** The host's available memory in KiB (MemAvailable of /proc/meminfo). */
    static long hostAvailableKib() throws IOException {
        return field(Path.of("/proc/meminfo"), "MemAvailable:");
    }

    /** The number on the line of {@code file} that starts with {@code name}. */
    private static long field(Path file, String name) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> l.startsWith(name))
                .mapToLong(ProcMemory::kib)
                .findFirst()
                .orElseThrow(() -> new IOException("no " + name + " in " + file));
    }

    /** The argv a process was started with. */
    static List<String> cmdline(long pid) throws IOException {
        String raw =
                new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(raw.split("\0"));
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
