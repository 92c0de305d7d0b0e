package dev.vc4j.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run that writes vc-runtime's class-data-sharing archive (the launcher runs it when VC_RUNTIME_CDS_DUMP names
 * the archive to write): the commands engines call most, on records in a scratch root and without a VM, so that
 * the archive holds the classes their paths load. An archive trained on one empty {@code list} left {@code state}
 * at 0.20 s; trained on {@code state} of a running container, 0.12 s.
 */
public final class CdsTraining {
    private static final String RUNNING = "training-running";
    private static final String STOPPED = "training-stopped";

    private CdsTraining() {}

    /** {@code args}: nothing, or the directory to make the scratch root in (default: java.io.tmpdir). */
    public static void main(String[] args) throws IOException {
        Path scratch = args.length > 0
                ? Files.createTempDirectory(Path.of(args[0]), "vc-runtime-cds")
                : Files.createTempDirectory("vc-runtime-cds");
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            Path root = scratch.resolve("root");
            Path store = scratch.resolve("store");
            RuntimeRoot records = new RuntimeRoot(root);
            ProcessHandle self = ProcessHandle.current();
            // a container whose shim is this process (running), and one whose shim is gone (stopped)
            records.createDir(RUNNING);
            records.write(record(scratch, store, RUNNING, self.pid(), RuntimeRecord.started(self)));
            records.createDir(STOPPED);
            records.write(record(scratch, store, STOPPED, 0, null));
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(discard);
            System.setErr(discard);
            List<String> global = List.of("--root", root.toString(), "--store-root", store.toString());
            expect(0, global, "state", RUNNING);
            expect(0, global, "list", "--format", "json");
            expect(0, global, "list");
            expect(1, global, "kill", RUNNING, "KILL"); // no shim socket: runc's "container not running"
            expect(1, global, "state", "training-absent");
            expect(0, global, "delete", "--force", STOPPED);
            expect(0, global, "spec", "--bundle", scratch.toString());
            expect(0, global, "features");
            expect(0, global, "--version");
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> walk = Files.walk(scratch)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static RuntimeRecord record(Path scratch, Path store, String id, long shimPid, String shimStarted) {
        return new RuntimeRecord(
                RuntimeRecord.VERSION,
                id,
                scratch.toString(),
                scratch.resolve("rootfs").toString(),
                id,
                store.resolve("run").toString(),
                store.resolve("config").toString(),
                Instant.now().toString(),
                Map.of(),
                shimPid == 0 ? RuntimeRecord.STOPPED : RuntimeRecord.RUNNING,
                shimPid,
                shimStarted,
                shimPid == 0 ? 0 : null,
                null);
    }

    /** Runs one command; a training run that goes another way than the command would for an engine fails. */
    private static void expect(int code, List<String> global, String... command) {
        List<String> args = new ArrayList<>(global);
        args.addAll(List.of(command));
        int got = VcRuntime.execute(args.toArray(String[]::new));
        if (got != code) {
            throw new IllegalStateException("training: " + String.join(" ", command) + " exited " + got);
        }
    }
}
