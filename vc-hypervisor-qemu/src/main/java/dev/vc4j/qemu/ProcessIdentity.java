package dev.vc4j.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A pid is only an identity together with the process's start time (clock ticks since boot, field 22 of
 * /proc/pid/stat): pids are recycled, and killing a recycled one would hit an innocent process.
 */
final class ProcessIdentity {
    private ProcessIdentity() {}

    static OptionalLong startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // the command name in field 2 may contain spaces and parentheses: count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so field 22 is at index 19; a zombie has exited already
        if (fields.length < 20 || "Z".equals(fields[0])) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(fields[19]));
    }

    static boolean isRunning(long pid, long startTime) {
        OptionalLong actual = startTime(pid);
        return actual.isPresent() && actual.getAsLong() == startTime;
    }
}
