package dev.vc4j.it;

import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.VmTemplates;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warm pool of one: the second sandbox takes the clone the pool restored and kept paused, runs a container in
 * it with its own hostname and random stream, and cleanup() leaves no pooled QEMU, template or directory.
 */
class WarmPoolIT {
    private static final Duration POOL_FILLED = Duration.ofSeconds(120);
    private static final Path TEMPLATES = TestStore.ROOTS.run().resolve("templates");
    private static final Path POOL = TestStore.ROOTS.run().resolve("templates-pool");
    private static final Pattern POOLED = Pattern.compile("pooled a paused clone .* \\(QEMU pid (\\d+)\\)");
    private static final String SCRIPT = "hostname; cat /proc/sys/kernel/random/uuid; head -c 16 /dev/urandom | od -x";

    @Test
    void aSandboxTakesThePooledVmWithItsOwnIdentityAndCleanupLeavesNothing() throws Exception {
        Path rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-pool-rootfs"));
        VirtContainers vc = VirtContainers.builder()
                .roots(TestStore.ROOTS)
                .templates(VmTemplates.transientTemplates().pool(1))
                .build();
        try (LogCapture logs = new LogCapture()) {
            String first;
            try (Sandbox a = vc.createSandbox(config("pool-a"))) {
                try {
                    assertEquals("pool-a\n", a.exec("hostname").stdoutText());
                    first = randomStream(ScriptContainer.run(a, rootfs, SCRIPT));
                } finally {
                    TestStore.deleteLeavingNothing(a); // at most two VMs at once: this one and the pooled one
                }
            }
            long pooledPid = awaitPooledPid(logs);
            System.out.println("paused pooled VM: " + memory(pooledPid));

            long started = System.nanoTime();
            try (Sandbox b = vc.createSandbox(config("pool-b"))) {
                try {
                    long createMillis = (System.nanoTime() - started) / 1_000_000;
                    System.out.println("createSandbox from the pool: " + createMillis + " ms, " + b.bootTimings());
                    assertEquals(
                            pooledPid,
                            Long.parseLong(
                                    Files.readString(StoreFiles.runDir(b.id()).resolve("qemu.pid"))
                                            .strip()),
                            "the sandbox's QEMU is not the pooled one");
                    String handOver = "sandbox " + b.id() + " takes the pooled VM of QEMU pid " + pooledPid;
                    assertTrue(
                            logs.events().stream()
                                    .anyMatch(e -> e.getFormattedMessage().equals(handOver)),
                            "not logged: " + handOver);
                    assertEquals("pool-b\n", b.exec("hostname").stdoutText());
                    // the pooled VM's console is read once it is handed over, into the sandbox's console.log
                    assertEquals(
                            0,
                            b.exec("sh", "-c", "echo console-of-pooled > /dev/ttyS0")
                                    .exitCode());
                    awaitConsole(StoreFiles.runDir(b.id()).resolve("console.log"), "console-of-pooled");
                    String second = randomStream(ScriptContainer.run(b, rootfs, SCRIPT));
                    assertNotEquals(first, second, "the random streams of a clone and the pooled clone");
                } finally {
                    TestStore.deleteLeavingNothing(b);
                }
            }
        } finally {
            vc.cleanup();
            HostRootfs.remove(rootfs);
        }
        assertEquals(List.of(), vc.listTemplates());
        for (Path dir : new Path[] {TEMPLATES, POOL}) {
            if (Files.exists(dir)) {
                try (Stream<Path> left = Files.walk(dir)) {
                    assertEquals(List.of(dir), left.toList(), "left by cleanup() in " + dir);
                }
            }
        }
        assertFalse(
                ProcessHandle.allProcesses()
                        .anyMatch(p -> p.info().commandLine().orElse("").contains(TEMPLATES.toString())),
                "a QEMU of the template or the pool still runs");
    }

    private static SandboxConfig config(String hostname) {
        return SandboxConfig.builder()
                .id(TestStore.uniqueId("pool"))
                .hostname(hostname)
                .network(NetworkConfig.userMode())
                .build();
    }

    /** The pid of the first clone the pool logs as ready. */
    private static long awaitPooledPid(LogCapture logs) throws Exception {
        long deadline = System.nanoTime() + POOL_FILLED.toNanos();
        while (System.nanoTime() < deadline) {
            for (var event : logs.events()) {
                Matcher m = POOLED.matcher(event.getFormattedMessage());
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the pool did not fill within " + POOL_FILLED);
    }

    private static void awaitConsole(Path console, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(Files.exists(console) && Files.readString(console).contains(text))) {
            assertTrue(System.nanoTime() < deadline, "the guest's console output never reached " + console);
            Thread.sleep(100);
        }
    }

    /** The script's output after its first line, the container's hostname. */
    private static String randomStream(String out) {
        return out.substring(out.indexOf('\n') + 1);
    }

    private static String memory(long pid) throws Exception {
        StringBuilder out = new StringBuilder("QEMU pid " + pid);
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            if (line.startsWith("Rss:") || line.startsWith("Pss:")) {
                out.append(", ").append(line.replaceAll("\\s+", " "));
            }
        }
        return out.toString();
    }
}
