package dev.vc4j.it.engines;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's acceptance: real podman and real containerd from Debian run containers through an OCI runtime binary,
 * as a user would. A subclass names the runtime; what holds only for a runtime whose containers run in a VM of
 * their own (vc-runtime) is asserted when {@link EngineRuntime#inVm()} says so, and its opposite otherwise, so that
 * each check is shown to tell the two apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EngineAcceptance {
    private static final String IMAGE = "localhost/vc4j-busybox:test";
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private Path dir;
    private EngineRuntime runtime;
    private PodmanEngine podman;

    /** The runtime the engines call. */
    abstract EngineRuntime runtime();

    @BeforeAll
    void importImage(@TempDir Path classDir) throws Exception {
        dir = classDir;
        runtime = runtime();
        podman = PodmanEngine.create(runtime);
        podman.importBusybox(IMAGE);
    }

    @AfterAll
    void removePodman() throws Exception {
        if (podman != null) {
            podman.close();
        }
    }

    @AfterEach
    void removeContainers() throws Exception {
        podman.ok("rm", "--all", "--force", "--time", "0");
    }

    @Test
    void podmanRunPrintsWhatTheContainerEchoes() throws Exception {
        Command run = podman.podman("run", "--rm", "--network", "none", IMAGE, "echo", "hello");
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("hello\n", run.stdout());
    }

    @Test
    void theContainersKernelIsTheVmsNotTheHosts() throws Exception {
        String hostBootId =
                Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        String containerBootId =
                podman.ok("run", "--rm", "--network", "none", IMAGE, "cat", "/proc/sys/kernel/random/boot_id");
        if (runtime.inVm()) {
            assertNotEquals(hostBootId, containerBootId, "the container ran on the host's kernel");
        } else {
            assertEquals(hostBootId, containerBootId, "a runtime without a VM shares the host's kernel");
        }
    }

    @Test
    void runInteractiveFeedsStdinToTheContainer() throws Exception {
        Command run = podman.podmanWithInput(
                "typed line\n",
                "run",
                "--rm",
                "-i",
                "--network",
                "none",
                IMAGE,
                "sh",
                "-c",
                "read line; echo \"got: $line\"");
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("got: typed line\n", run.stdout());
    }

    @Test
    void theContainersExitCodeIsPodmansExitCode() throws Exception {
        Command run = podman.podman("run", "--rm", "--network", "none", IMAGE, "sh", "-c", "exit 7");
        assertEquals(7, run.exitCode(), run.describe());
    }

    @Test
    void runTerminalGivesTheContainerATty() throws Exception {
        Command run = podman.podman("run", "--rm", "-t", "--network", "none", IMAGE, "tty");
        assertEquals(0, run.exitCode(), run.describe());
        // the pty's line discipline turns the newline into CR LF on its way out
        assertEquals("/dev/pts/0\r\n", run.stdout());
    }

    @Test
    void detachedContainerTakesExecThenStopsAndIsRemovedWithoutLeftovers() throws Exception {
        // SIGTERM ignored by the shell and the sleep it starts: stop has to come to SIGKILL after its timeout
        String id = podman.ok("run", "-d", "--network", "none", IMAGE, "sh", "-c", "trap '' TERM; sleep 1000");
        assertEquals("running", podman.ok("inspect", "--format", "{{.State.Status}}", id));

        assertEquals("from exec", podman.ok("exec", id, "echo", "from exec"));
        Command failing = podman.podman("exec", id, "sh", "-c", "exit 3");
        assertEquals(3, failing.exitCode(), failing.describe());

        long start = System.nanoTime();
        podman.ok("stop", "-t", "2", id);
        Duration stopped = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(stopped.compareTo(Duration.ofMillis(1900)) >= 0, "stop -t 2 ended after only " + stopped);
        assertEquals("exited", podman.ok("inspect", "--format", "{{.State.Status}}", id));
        assertEquals("137", podman.ok("inspect", "--format", "{{.State.ExitCode}}", id));

        podman.ok("rm", id);
        assertEquals("", podman.ok("ps", "--all", "--quiet"));
        assertEquals(List.of(), processesNaming(id), "processes left after rm");
        assertFalse(Files.exists(runtime.stateRoot().resolve(id)), "the runtime's state directory is left");
    }

    @Test
    void killDeliversUsr1ToATrappingShell() throws Exception {
        String id = podman.ok(
                "run",
                "-d",
                "--network",
                "none",
                IMAGE,
                "sh",
                "-c",
                "trap 'echo got USR1' USR1; echo ready; while true; do sleep 0.1; done");
        awaitLogs(id, logs -> logs.contains("ready"));
        podman.ok("kill", "-s", "USR1", id);
        awaitLogs(id, logs -> logs.contains("got USR1"));
        assertEquals("running", podman.ok("inspect", "--format", "{{.State.Status}}", id));
    }

    @Test
    void pauseStopsTheContainerUntilUnpause() throws Exception {
        String id = podman.ok(
                "run", "-d", "--network", "none", IMAGE, "sh", "-c", "while true; do echo tick; sleep 0.1; done");
        awaitLogs(id, logs -> ticks(logs) >= 3);

        podman.ok("pause", id);
        assertEquals("paused", podman.ok("inspect", "--format", "{{.State.Status}}", id));
        // lines printed just before the freeze may still be on their way to the log
        Thread.sleep(1000);
        long whenPaused = ticks(podman.ok("logs", id));
        Thread.sleep(1000);
        assertEquals(whenPaused, ticks(podman.ok("logs", id)), "the container went on while paused");

        podman.ok("unpause", id);
        assertEquals("running", podman.ok("inspect", "--format", "{{.State.Status}}", id));
        awaitLogs(id, logs -> ticks(logs) >= whenPaused + 3);
    }

    @Test
    void execWithATerminalPrintsItsPtyAndPassesItsExitCode() throws Exception {
        String id = podman.ok("run", "-d", "--network", "none", IMAGE, "sleep", "1000");
        Command tty = podman.podman("exec", "-t", id, "tty");
        assertEquals(0, tty.exitCode(), tty.describe());
        assertTrue(tty.stdout().matches("/dev/pts/[0-9]+\r\n"), tty.describe());
        Command failing = podman.podman("exec", "-t", id, "sh", "-c", "exit 4");
        assertEquals(4, failing.exitCode(), failing.describe());
    }

    /**
     * podman's default network (netavark's bridge): the container has the address podman gave it, reaches a server
     * on the bridge's gateway address and is reached from the host at its own; all traffic stays on the bridge.
     */
    @Test
    void bridgeNetworkGivesTheContainerPodmansAddressReachableBothWays() throws Exception {
        String id = podman.ok(
                "run",
                "-d",
                "--network",
                "bridge",
                IMAGE,
                "sh",
                "-c",
                "mkdir -p /tmp/www && echo 'hello from the container' > /tmp/www/index.html"
                        + " && exec httpd -f -p 8080 -h /tmp/www");
        String ip = podman.ok("inspect", "--format", "{{.NetworkSettings.IPAddress}}", id);
        String gateway = podman.ok("inspect", "--format", "{{.NetworkSettings.Gateway}}", id);
        Path namespace = Path.of(podman.ok("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", id));
        String addresses = podman.ok("exec", id, "ip", "-4", "addr", "show");
        assertTrue(addresses.contains("inet " + ip + "/"), "podman gave " + ip + "; the container has " + addresses);
        String links = EngineNetwork.links(namespace);
        assertEquals(runtime.inVm(), links.contains("vc4j-tap0"), "the links of the container's namespace: " + links);

        try (EngineNetwork.Server server = EngineNetwork.serve(gateway, "hello from the gateway\n")) {
            // nc, not wget: Debian's static busybox wget crashes in a root without /etc (measured here)
            String response = podman.ok(
                    "exec",
                    id,
                    "sh",
                    "-c",
                    "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 30 nc "
                            + server.address().replace(':', ' '));
            assertTrue(
                    response.startsWith("HTTP/1.1 200") && response.endsWith("\r\n\r\nhello from the gateway"),
                    response);
        }
        assertEquals("hello from the container\n", EngineNetwork.fetch("http://" + ip + ":8080/"));

        podman.ok("rm", "--force", "--time", "0", id);
        assertFalse(EngineNetwork.links(null).contains("vc4j-tap"), "a tap is left on the host");
        if (Files.exists(namespace)) {
            assertFalse(EngineNetwork.links(namespace).contains("vc4j-tap"), "a tap is left in " + namespace);
            assertFalse(EngineNetwork.ingressQdiscs(namespace).contains("ingress"), "a qdisc is left in " + namespace);
        }
        // rm --force returns while conmon's `podman container cleanup` of the container may still be running
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!processesNaming(id).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), describe(processesNaming(id)), "processes left after rm");
    }

    @Test
    void containerdRunsAnImportedImageThroughTheRuntime() throws Exception {
        Path archive = podman.saveOciArchive(IMAGE, dir.resolve("busybox-oci.tar"));
        try (ContainerdDaemon containerd = ContainerdDaemon.start(runtime.environment())) {
            containerd.importImage(archive);
            Command run = containerd.ctr(
                    "run", "--runc-binary", runtime.binary().toString(), "--rm", IMAGE, "t1", "echo", "hello");
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals("hello\n", run.stdout());
            Command containers = containerd.ctr("containers", "list", "--quiet");
            assertEquals("", containers.stdout(), "--rm left the container");
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private void awaitLogs(String id, Predicate<String> wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String logs = podman.ok("logs", id);
        while (!wanted.test(logs)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "container " + id + " did not log what was awaited within " + SETTLE + "; its log:\n" + logs);
            }
            Thread.sleep(100);
            logs = podman.ok("logs", id);
        }
    }

    private static long ticks(String logs) {
        return logs.lines().filter("tick"::equals).count();
    }

    private static List<String> describe(List<Long> pids) {
        return pids.stream()
                .map(pid -> pid + " "
                        + ProcessHandle.of(pid)
                                .flatMap(p -> p.info().commandLine())
                                .orElse("(gone)"))
                .toList();
    }

    /** Processes whose command line names the container: conmon, a runtime's shim, a VM started for it. */
    private static List<Long> processesNaming(String id) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(id)).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }
}
