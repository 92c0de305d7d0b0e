package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.agent.OciSpecs;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.ProcessIo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent under load in a real VM: a 1 GiB stdout flood read slowly, and 1000 reconnects. Under TCG the flood
 * moves about 4 MiB/s (about 4 minutes); {@code -Dvc4j.it.floodMiB=256} runs a shorter one.
 */
class AgentStreamsIT {
    private static final long FLOOD_BYTES = Long.getLong("vc4j.it.floodMiB", 1024) << 20;
    /** The agent's memory while it streams: its idle ~1.3 MiB plus one output buffer and HTTP/2 framing. */
    private static final long FLOOD_RSS_BOUND_KIB = 4 * 1024;

    private static final String ROOTFS = GuestContainers.ROOTFS;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration RSS_SAMPLE_PAUSE = Duration.ofMillis(250);
    private static VirtContainers vc;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() {
        vc = TestStore.virtContainers();
        sandbox = vc.createSandbox(
                SandboxConfig.builder().id(TestStore.uniqueId("streams")).build());
        GuestContainers.makeBusyboxRootfs(sandbox);
    }

    @AfterAll
    static void delete() throws Exception {
        TestStore.deleteLeavingNothing(sandbox);
    }

    private static AgentSession connect() {
        return GuestContainers.takeOverAgent(sandbox);
    }

    private static long agentRssKib(AgentSession session) {
        ExecResult r = session.runProcess(
                GuestCommand.of("sh", "-c", "grep VmRSS /proc/$(pidof vc4j-agent)/status | tr -dc 0-9"));
        assertEquals(0, r.exitCode(), r.stderrText());
        return Long.parseLong(r.stdoutText());
    }

    /**
     * Each sample runs three programs in the guest: back to back, they took the guest CPU that the flood needs
     * under TCG (256 MiB in 119 s with them, 62 s with this pause).
     */
    private static void pauseBetweenSamples() {
        try {
            Thread.sleep(RSS_SAMPLE_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sampling the agent's RSS", e);
        }
    }

    /** What {@code yes LINE | head -c n} prints, digested. */
    private static byte[] expectedDigest(String line, long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] unit = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[unit.length * 4096];
        for (int i = 0; i < 4096; i++) {
            System.arraycopy(unit, 0, block, i * unit.length, unit.length);
        }
        for (long left = n; left > 0; left -= block.length) {
            md.update(block, 0, (int) Math.min(block.length, left));
        }
        return md.digest();
    }

    @Test
    void aStdoutFloodReadSlowlyArrivesWholeAndTheAgentStaysSmall() throws Exception {
        String id = TestStore.uniqueId("flood");
        String line = "vc4j flood 0123456789abcdefghijklmnopqrstuvwxyz";
        try (AgentSession session = connect()) {
            session.createContainer(ContainerSpec.builder(
                            id,
                            OciSpecs.container(
                                    id, false, 0, List.of("sh", "-c", "yes '" + line + "' | head -c " + FLOOD_BYTES)))
                    .rootfsPath(ROOTFS)
                    .build());
            session.startContainer(id);
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong maxRss = new AtomicLong();
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                while (!done.get()) {
                    maxRss.accumulateAndGet(agentRssKib(session), Math::max);
                    pauseBetweenSamples();
                }
            });
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long total = 0;
            long started = System.nanoTime();
            try (ProcessIo io = session.processIo(id, "", WAIT)) {
                InputStream out = io.stdout();
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = out.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    total += n;
                    if (total % (16 << 20) < n) {
                        Thread.sleep(20); // a slow reader: the process must wait, not the agent's memory grow
                    }
                }
                assertEquals(0, io.waitFor(WAIT).exitCode());
            } finally {
                done.set(true);
                sampler.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "flood: %d MiB in %.1f s (%.1f MiB/s), agent VmRSS max %d KiB%n",
                    total >> 20, seconds, (total >> 20) / seconds, maxRss.get());
            assertEquals(FLOOD_BYTES, total);
            assertArrayEquals(expectedDigest(line, FLOOD_BYTES), md.digest());
            assertTrue(maxRss.get() > 0 && maxRss.get() < FLOOD_RSS_BOUND_KIB, "agent VmRSS " + maxRss + " KiB");
            session.removeContainer(id);
        }
    }

    /** virtio-serial has no connection identity: each new client must see its own replies only. */
    @Test
    void aThousandSequentialReconnectsAllGetTheirOwnReplies() {
        List<String> failures = new java.util.ArrayList<>();
        int stale = 0;
        for (int i = 0; i < 1000; i++) {
            try (AgentSession session = connect()) {
                String token = "conn-" + i;
                ExecResult r = session.runProcess(GuestCommand.of("echo", token));
                if (!r.stdoutText().equals(token + "\n")) {
                    stale++;
                }
            } catch (RuntimeException e) {
                failures.add("connection " + i + ": " + e);
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(0, stale, "stale replies");
    }
}
