package dev.vc4j.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.oci.Spec;
import dev.vc4j.spi.HostCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/vc-runtime used directly on a bundle, as an engine does, with real VMs (one at a time): the container's
 * output goes to the files create was given, state follows created, running, stopped with the shim's pid, ps and
 * exec reach the guest, and delete leaves no process, store directory or mount; also after the shim was killed.
 */
class RuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LAUNCHER = Path.of(System.getProperty("vc-runtime.launcher", "bin/vc-runtime"));
    private static final Path BASE =
            Path.of("/tmp/vrit-" + ProcessHandle.current().pid());
    private static Path bundle;

    record Result(int code, String stdout, String stderr) {}

    @BeforeAll
    static void bundle() throws IOException, InterruptedException {
        bundle = makeBundle(
                BASE.resolve("bundle"),
                Map.of(),
                "sh",
                "-c",
                "trap 'exit 7' TERM; echo hello; echo oops >&2; while true; do sleep 1; done");
    }

    /** A busybox bundle whose config is {@code vc-runtime spec}'s with this process and these annotations. */
    private static Path makeBundle(Path dir, Map<String, String> annotations, String... args)
            throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
        for (String d : List.of("dev", "proc", "sys", "tmp")) {
            Files.createDirectories(dir.resolve("rootfs").resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("sh", "sleep", "echo", "cat")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        assertEquals(0, run("spec", "--bundle", dir.toString()).code());
        Spec spec = Spec.parse(Files.readString(dir.resolve("config.json")));
        Files.writeString(
                dir.resolve("config.json"),
                spec.toBuilder()
                        .annotations(annotations.isEmpty() ? null : annotations)
                        .process(spec.process().toBuilder()
                                .terminal(false)
                                .args(args)
                                .build())
                        .build()
                        .toJson());
        return dir;
    }

    @AfterAll
    static void removeBase() throws IOException {
        try (Stream<Path> walk = Files.walk(BASE)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void createStartStateKillDeleteOnABundle() throws Exception {
        Path out = BASE.resolve("c1.out");
        Path err = BASE.resolve("c1.err");
        Path pidFile = BASE.resolve("c1.pid");
        Result created = create("c1", pidFile, out, err);
        assertEquals(0, created.code(), created.stderr());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the pid file's process runs");
        assertState("c1", "created", pid);

        assertEquals(0, run("start", "c1").code());
        assertState("c1", "running", pid);
        assertFalse(
                Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1)
                        .contains(Spawner.RESIDENT_ENV + "="),
                "the launcher keeps its marker from what the shim starts");
        Result again = run("start", "c1");
        assertEquals(new Result(1, "", "cannot start an already running container\n"), again);

        JsonNode pids = JSON.readTree(run("ps", "--format", "json", "c1").stdout());
        assertTrue(pids.isArray() && pids.size() >= 2, "the shell and its sleep: " + pids);
        assertTrue(run("ps", "c1").stdout().contains("sleep 1"));
        assertEquals(new Result(0, "from exec\n", ""), run("exec", "c1", "echo", "from exec"));
        Result running = run("delete", "c1");
        assertEquals(new Result(1, "", "cannot delete container c1 that is not stopped: running\n"), running);

        assertEquals(0, run("kill", "c1", "TERM").code());
        assertEquals(7, exitCodeOf("c1", pid), "the shim ends with the container's exit code");
        assertState("c1", "stopped", 0);
        assertEquals("hello\n", Files.readString(out));
        assertEquals("oops\n", Files.readString(err));
        assertEquals(new Result(1, "", "container not running\n"), run("kill", "c1", "KILL"));

        assertEquals(0, run("delete", "c1").code());
        assertEquals(new Result(1, "", "container \"c1\" does not exist\n"), run("state", "c1"));
        assertNothingLeft("c1");
    }

    @Test
    void deleteForceRemovesEverythingOfAContainerWhoseShimWasKilled() throws Exception {
        ProcessHandle shim = createAndStart("c2");
        assertTrue(shim.destroyForcibly(), "SIGKILL to the shim");
        shim.onExit().get(30, TimeUnit.SECONDS);
        assertState("c2", "stopped", 0);

        assertEquals(0, run("delete", "--force", "c2").code());
        assertNothingLeft("c2");
    }

    /**
     * The shim cannot record the container's exit (its directory mounted read-only: EROFS, as on a full disk): it
     * still stops the VM and ends, rather than wait forever with the engine waiting on its pid.
     */
    @Test
    void aShimThatCannotRecordTheExitStillStopsTheVmAndEnds() throws Exception {
        ProcessHandle shim = createAndStart("c3");
        Path records = BASE.resolve("root/c3");
        host("mount", "--bind", records.toString(), records.toString());
        try {
            host("mount", "-o", "remount,bind,ro", records.toString());
            assertEquals(0, run("kill", "c3", "TERM").code());
            shim.onExit().get(2, TimeUnit.MINUTES);
            List<String> qemus = ProcessHandle.allProcesses()
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("qemu-system") && c.contains(BASE.toString()))
                    .toList();
            assertEquals(List.of(), qemus, "the VM ends with the shim");
        } finally {
            host("umount", records.toString());
        }
        assertState("c3", "stopped", 0);
        assertEquals(0, run("delete", "c3").code());
        assertNothingLeft("c3");
    }

    /** A container of the test bundle, created with its output in files beside its pid file, and started: its shim. */
    private static ProcessHandle createAndStart(String id) throws IOException, InterruptedException {
        Path pidFile = BASE.resolve(id + ".pid");
        Result created = create(id, pidFile, BASE.resolve(id + ".out"), BASE.resolve(id + ".err"));
        assertEquals(0, created.code(), created.stderr());
        assertEquals(0, run("start", id).code());
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow();
    }

    /** A host command (mount, umount) with a deadline, through vc-api's runner; a failure fails the test. */
    private static void host(String... command) {
        HostCommand.run(List.of(command), Duration.ofSeconds(30), IllegalStateException::new);
    }

    @Test
    void aFailedCreateLeavesNothing() throws Exception {
        Path err = BASE.resolve("bad.err");
        ProcessBuilder pb = new ProcessBuilder(command("create", "--bundle", bundle.toString(), "bad"))
                .redirectInput(new File("/dev/null"))
                .redirectOutput(BASE.resolve("bad.out").toFile())
                .redirectError(err.toFile());
        pb.environment().put("VC4J_GUEST_DIR", BASE.resolve("no-guest").toString());
        Process create = pb.start();
        assertTrue(create.waitFor(5, TimeUnit.MINUTES), "create did not end");
        assertEquals(1, create.exitValue());
        assertEquals(
                "invalid hypervisor.kernel `" + BASE.resolve("no-guest/vmlinux") + "`: no such file\n",
                Files.readString(err));
        assertNothingLeft("bad");
    }

    @Test
    void aPodsContainerJoinsTheVmOfItsSandboxContainer() throws Exception {
        Path pod = makeBundle(
                BASE.resolve("pod-bundle"),
                Map.of("io.kubernetes.cri.container-type", "sandbox", "io.kubernetes.cri.sandbox-id", "pod"),
                "sh",
                "-c",
                "while true; do sleep 1; done");
        Path member = makeBundle(
                BASE.resolve("member-bundle"),
                Map.of("io.kubernetes.cri.container-type", "container", "io.kubernetes.cri.sandbox-id", "pod"),
                "sh",
                "-c",
                "cat /proc/sys/kernel/random/boot_id; exit 5");
        assertEquals(
                0,
                create("pod", pod, BASE.resolve("pod.pid"), BASE.resolve("pod.out"), BASE.resolve("pod.err"))
                        .code());
        assertEquals(0, run("start", "pod").code());
        String bootId =
                run("exec", "pod", "cat", "/proc/sys/kernel/random/boot_id").stdout();

        Path out = BASE.resolve("m.out");
        Result created = create("m", member, BASE.resolve("m.pid"), out, BASE.resolve("m.err"));
        assertEquals(0, created.code(), created.stderr());
        long memberShim = Long.parseLong(Files.readString(BASE.resolve("m.pid")).strip());
        assertEquals(0, run("start", "m").code());
        assertEquals(5, exitCodeOf("m", memberShim));
        assertEquals(bootId, Files.readString(out), "the member ran in the pod's VM");

        assertEquals(0, run("delete", "m").code());
        assertState(
                "pod",
                "running",
                Long.parseLong(Files.readString(BASE.resolve("pod.pid")).strip()),
                pod);
        assertEquals(0, run("delete", "--force", "pod").code());
        assertNothingLeft("pod");
        assertNothingLeft("m");
    }

    /** The shim is not this JVM's child: once it ended, its code is read from the record it left. */
    private static int exitCodeOf(String id, long shimPid) throws Exception {
        ProcessHandle.of(shimPid).ifPresent(p -> p.onExit().join());
        JsonNode record = JSON.readTree(
                BASE.resolve("root").resolve(id).resolve("state.json").toFile());
        return record.get("exitCode").asInt();
    }

    private static void assertState(String id, String status, long pid) throws IOException, InterruptedException {
        assertState(id, status, pid, bundle);
    }

    private static void assertState(String id, String status, long pid, Path bundleDir)
            throws IOException, InterruptedException {
        Result state = run("state", id);
        assertEquals(0, state.code(), state.stderr());
        JsonNode json = JSON.readTree(state.stdout());
        assertEquals(status, json.get("status").asText(), state.stdout());
        assertEquals(pid, json.get("pid").asLong(), state.stdout());
        assertEquals(id, json.get("id").asText());
        assertEquals(bundleDir.toString(), json.get("bundle").asText());
    }

    /** No process names this test's directories (QEMU's command line has the run directory, the shim's --root). */
    private static void assertNothingLeft(String id) throws IOException {
        List<String> processes = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(BASE.toString()) && !c.contains("surefire") && !c.contains("failsafe"))
                .toList();
        assertEquals(List.of(), processes);
        assertFalse(Files.exists(BASE.resolve("store/run/sbs").resolve(id)), "the sandbox's run directory");
        assertFalse(Files.exists(BASE.resolve("store/config/sbs").resolve(id)), "the sandbox's config directory");
        assertFalse(Files.exists(BASE.resolve("root").resolve(id)), "the container's directory");
        assertEquals(
                List.of(),
                Files.readAllLines(Path.of("/proc/mounts")).stream()
                        .filter(l -> l.contains(BASE.toString()))
                        .toList());
    }

    @Test
    void theTrainingWritesTheCommandsAndTheShimsArchivesAndLeavesNoVm() throws Exception {
        Path commands = BASE.resolve("training/commands.jsa");
        Path shim = BASE.resolve("training/shim.jsa");
        Files.createDirectories(commands.getParent());
        List<Path> scratchBefore = scratchDirs();
        ProcessBuilder pb = withGuest(new ProcessBuilder(LAUNCHER.toString()))
                .redirectInput(new File("/dev/null"))
                .redirectOutput(BASE.resolve("training.out").toFile())
                .redirectError(BASE.resolve("training.err").toFile());
        pb.environment().put("VC_RUNTIME_CDS_DUMP", commands.toString());
        pb.environment().put("VC_RUNTIME_SHIM_CDS_DUMP", shim.toString());
        Process training = pb.start();
        assertTrue(training.waitFor(5, TimeUnit.MINUTES), "the training did not end");
        assertEquals(0, training.exitValue(), Files.readString(BASE.resolve("training.err")));
        // an archive holds the classes of what ran: the shim's (the agent client, QEMU's driver) are more
        assertTrue(Files.size(commands) > (1 << 20), "commands' archive: " + Files.size(commands));
        assertTrue(Files.size(shim) > Files.size(commands), "shim's archive: " + Files.size(shim));
        assertEquals(scratchDirs(), scratchBefore, "the training's scratch root is removed");
        try (Stream<String> qemus = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("qemu-system") && c.contains("vc-runtime-cds"))) {
            assertEquals(List.of(), qemus.toList(), "a QEMU of the training outlived it");
        }
    }

    /** The training's scratch roots in the temporary directory. */
    private static List<Path> scratchDirs() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("vc-runtime-cds"))
                    .sorted()
                    .toList();
        }
    }

    private static Result create(String id, Path pidFile, Path out, Path err) throws IOException, InterruptedException {
        return create(id, bundle, pidFile, out, err);
    }

    private static Result create(String id, Path bundleDir, Path pidFile, Path out, Path err)
            throws IOException, InterruptedException {
        ProcessBuilder pb = withGuest(new ProcessBuilder(
                        command("create", "--bundle", bundleDir.toString(), "--pid-file", pidFile.toString(), id)))
                .redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process create = pb.start();
        assertTrue(create.waitFor(5, TimeUnit.MINUTES), "create did not end");
        return new Result(create.exitValue(), "", Files.readString(err));
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        Process p = withGuest(new ProcessBuilder(command(args)))
                .redirectInput(new File("/dev/null"))
                .start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", args) + " did not end");
        return new Result(
                p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
    }

    private static ProcessBuilder withGuest(ProcessBuilder pb) {
        String guest = System.getProperty("vc4j.guest.dir");
        if (guest != null) {
            pb.environment().put("VC4J_GUEST_DIR", guest);
        }
        return pb;
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                LAUNCHER.toString(),
                "--root",
                BASE.resolve("root").toString(),
                "--store-root",
                BASE.resolve("store").toString()));
        command.addAll(List.of(args));
        return command;
    }
}
