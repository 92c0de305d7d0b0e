package dev.vc4j.runtime;

import dev.vc4j.oci.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run that writes vc-runtime's class-data-sharing archives (the launcher runs it when VC_RUNTIME_CDS_DUMP names
 * the commands' archive to write): the commands engines call most, on records in a scratch root and without a VM,
 * so that the archive holds the classes their paths load (an archive trained on one empty {@code list} left
 * {@code state} at 0.20 s; trained so, 0.12 s). When VC_RUNTIME_SHIM_CDS_DUMP names the archive of the processes
 * that stay (shims, exec relays), one container runs in a VM too, and its shim writes that archive as it exits:
 * a shim that maps it starts its container about 1 s sooner with half the CPU time (create 6.8 -> 5.8 s, shim CPU
 * 2.07 -> 1.06 s, VmRSS -1.5 MiB, three runs each on TCG).
 */
public final class CdsTraining {
    private static final String RUNNING = "training-running";
    private static final String STOPPED = "training-stopped";
    private static final String IN_VM = "training-vm";
    /** Read by the launcher, which gives the shim -XX:ArchiveClassesAtExit with it. */
    private static final String SHIM_DUMP = "VC_RUNTIME_SHIM_CDS_DUMP";

    private CdsTraining() {}

    /** {@code args}: nothing, or the directory to make the scratch root in (default: java.io.tmpdir). */
    public static void main(String[] args) throws IOException {
        Path scratch = args.length > 0
                ? Files.createTempDirectory(Path.of(args[0]), "vc-runtime-cds")
                : Files.createTempDirectory("vc-runtime-cds");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
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
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
            List<String> global = List.of("--root", root.toString(), "--store-root", store.toString());
            expect(said, 0, global, "state", RUNNING);
            expect(said, 0, global, "list", "--format", "json");
            expect(said, 0, global, "list");
            expect(said, 1, global, "kill", RUNNING, "KILL"); // no shim socket: runc's "container not running"
            expect(said, 1, global, "state", "training-absent");
            expect(said, 0, global, "delete", "--force", STOPPED);
            expect(said, 0, global, "spec", "--bundle", scratch.toString());
            expect(said, 0, global, "features");
            expect(said, 0, global, "--version");
            if (System.getenv(SHIM_DUMP) != null) {
                expect(
                        said,
                        0,
                        global,
                        "run",
                        "--bundle",
                        busyboxBundle(scratch.resolve("bundle")).toString(),
                        IN_VM);
            }
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

    /** A bundle whose container runs Debian's static busybox's {@code true}: the host's /bin/busybox, copied. */
    private static Path busyboxBundle(Path dir) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        for (String d : List.of("bin", "dev", "proc", "sys", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Spec spec = InfoCommands.startingSpec();
        Files.writeString(
                dir.resolve("config.json"),
                spec.toBuilder()
                        .process(spec.process().toBuilder()
                                .terminal(false)
                                .args("/bin/busybox", "true")
                                .build())
                        .build()
                        .toJson());
        return dir;
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
    private static void expect(ByteArrayOutputStream said, int code, List<String> global, String... command) {
        List<String> args = new ArrayList<>(global);
        args.addAll(List.of(command));
        said.reset();
        int got = VcRuntime.execute(args.toArray(String[]::new));
        if (got != code) {
            throw new IllegalStateException("training: " + String.join(" ", command) + " exited " + got + ": "
                    + said.toString(StandardCharsets.UTF_8).strip());
        }
    }
}
