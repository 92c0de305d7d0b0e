package dev.vc4j.agent;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fails a test that leaves a socket descriptor open in this JVM. Sockets are compared as "fd -> socket:[inode]",
 * what they are rather than how many, since the JVM opens and closes its own: a leaked socket stays, under a number
 * and inode of its own, while another thread's socket of a moment gets a while to close.
 */
final class NoSocketLeftOpen implements BeforeEachCallback, AfterEachCallback {
    private static final long SETTLE_NANOS = 2_000_000_000L;
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoSocketLeftOpen.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        context.getStore(NAMESPACE).put("before", sockets());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Set<String> before = context.getStore(NAMESPACE).get("before", Set.class);
        long deadline = System.nanoTime() + SETTLE_NANOS;
        List<String> added = new ArrayList<>(sockets());
        added.removeAll(before);
        while (!added.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            added = new ArrayList<>(sockets());
            added.removeAll(before);
        }
        assertEquals(List.of(), added, "sockets left open");
    }

    private static Set<String> sockets() throws IOException {
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
}
