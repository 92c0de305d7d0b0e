package dev.vc4j.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.StoreRoots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What a killed process may leave under a store's roots, counted by kind. */
record CrashLeaks(int corruptedStateFiles, int qemuProcesses, int sockets, int mounts, int directories) {
    static final CrashLeaks NONE = new CrashLeaks(0, 0, 0, 0, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Stored JSON files that do not parse: a state write cut short. */
    static CrashLeaks corruptedStateFiles(StoreRoots roots) throws IOException {
        int corrupted = 0;
        for (Path file : files(roots)) {
            if (file.toString().endsWith(".json") && Files.isRegularFile(file)) {
                try {
                    JSON.readTree(file.toFile());
                } catch (IOException e) {
                    corrupted++;
                }
            }
        }
        return new CrashLeaks(corrupted, 0, 0, 0, 0);
    }

    /** QEMU processes started on these roots, sockets and mounts under them, and sandbox directories. */
    static CrashLeaks under(StoreRoots roots) throws IOException {
        int qemu = (int) qemuOn(roots).count();
        int sockets = (int) files(roots).stream()
                .filter(p -> p.toString().endsWith(".sock"))
                .count();
        int mounts = TestStore.mountsUnder(roots.run()).size()
                + TestStore.mountsUnder(roots.config()).size();
        int directories =
                entries(roots.run().resolve("sbs")) + entries(roots.config().resolve("sbs"));
        return new CrashLeaks(0, qemu, sockets, mounts, directories);
    }

    /** Kills the QEMU processes started on these roots, unmounts what is mounted under them and removes them. */
    static void removeAll(StoreRoots roots) throws IOException, InterruptedException {
        qemuOn(roots).forEach(ProcessHandle::destroyForcibly);
        for (Path root : List.of(roots.run(), roots.config())) {
            if (Files.exists(root)) {
                StoreFiles.unmountAll(root);
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static Stream<ProcessHandle> qemuOn(StoreRoots roots) {
        String runRoot = roots.run().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(runRoot))
                .filter(p -> p.info().command().orElse("").contains("qemu"));
    }

    CrashLeaks plus(CrashLeaks o) {
        return new CrashLeaks(
                corruptedStateFiles + o.corruptedStateFiles,
                qemuProcesses + o.qemuProcesses,
                sockets + o.sockets,
                mounts + o.mounts,
                directories + o.directories);
    }

    boolean isNone() {
        return equals(NONE);
    }

    @Override
    public String toString() {
        return "corrupted state files " + corruptedStateFiles + ", leaked QEMU processes " + qemuProcesses
                + ", sockets " + sockets + ", mounts " + mounts + ", directories " + directories;
    }

    private static List<Path> files(StoreRoots roots) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path root : List.of(roots.run(), roots.config())) {
            if (Files.exists(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.forEach(all::add);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        }
        return all;
    }

    private static int entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return (int) list.count();
        }
    }
}
