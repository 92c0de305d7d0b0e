package dev.vc4j.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * This JVM's socket descriptors, as "fd -> socket:[inode]": what is compared is what they are, not how many, since
 * the JVM opens and closes its own (a leaked socket stays, under a number and inode of its own).
 */
final class OpenSockets {
    private static final long SETTLE_NANOS = 2_000_000_000L;

    private OpenSockets() {}

    static Set<String> now() throws IOException {
        Set<String> sockets = new TreeSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        sockets.add(fd.getFileName() + " -> " + target);
                    }
                } catch (NoSuchFileException closed) {
                    // closed since the listing (the listing's own descriptor, for one)
                }
            }
        }
        return sockets;
    }

    /** The sockets open now and not in {@code before}, once another thread's socket of a moment had time to close. */
    static List<String> addedSince(Set<String> before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (true) {
            List<String> added = new ArrayList<>(now());
            added.removeAll(before);
            if (added.isEmpty() || System.nanoTime() > deadline) {
                return added;
            }
            Thread.sleep(50);
        }
    }
}
