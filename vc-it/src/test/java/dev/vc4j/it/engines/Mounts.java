package dev.vc4j.it.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The mount points under a directory, from this process's mount table. */
final class Mounts {
    private Mounts() {}

    static List<String> under(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        // mountinfo: id, parent, major:minor, root, mount point, ... (a space in a path is written as \\040)
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> Arrays.asList(line.split(" ")).get(4))
                .filter(point -> point.equals(prefix) || point.startsWith(prefix + "/"))
                .toList();
    }
}
