package dev.vc4j.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The runtime's log as runc writes it: lines appended to {@code --log}, either runc's text
 * ({@code time="..." level=error msg="..."}) or, with {@code --log-format json}, one JSON object per line with
 * {@code level}, {@code msg} and {@code time}. Errors go to stderr too. Without {@code --log} only errors are shown.
 */
final class RuntimeLog {
    private static volatile RuntimeLog current = new RuntimeLog(null, false, false);

    private final Path file;
    private final boolean json;
    private final boolean debug;

    RuntimeLog(Path file, boolean json, boolean debug) {
        this.file = file;
        this.json = json;
        this.debug = debug;
    }

    /** The log of this process, set once from the global flags before anything logs. */
    static RuntimeLog current() {
        return current;
    }

    static void install(RuntimeLog log) {
        current = log;
    }

    boolean debugEnabled() {
        return debug;
    }

    /** An error of the command: to the log and to stderr, as runc reports it. */
    void error(String message) {
        write("error", message);
        System.err.println(message);
        System.err.flush();
    }

    /** To the log only: for the shim, whose stderr is the container's. */
    void write(String level, String message) {
        if (file == null || ("debug".equals(level) && !debug)) {
            return;
        }
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String line = json
                ? RuntimeJson.line(new Line(level, message, time))
                : "time=\"" + time + "\" level=" + level + " msg=" + RuntimeJson.line(message);
        synchronized (this) {
            try {
                Files.writeString(
                        file,
                        line + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                System.err.println("vc-runtime: cannot write the log " + file + ": " + e.getMessage());
            }
        }
    }

    /** One line of the JSON log, in runc's member order. */
    record Line(String level, String msg, String time) {}
}
