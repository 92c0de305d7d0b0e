package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A block rootfs image that is used again: the container's writes never reach it. */
class BlockRootfsAccessIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path dir;
    private static Path image;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        dir = Files.createTempDirectory("vc4j-it-blk-access");
        Files.writeString(
                HostRootfs.make(Files.createDirectory(dir.resolve("tree"))).resolve("marker"), "base\n");
        image = HostRootfs.ext4Image(dir.resolve("tree"), dir.resolve("rootfs.ext4"));
        sandbox = TestStore.virtContainers()
                .createSandbox(
                        SandboxConfig.builder().id(TestStore.uniqueId("blkacc")).build());
    }

    @AfterAll
    static void delete() throws Exception {
        HostRootfs.removeAfter(sandbox, dir);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String run(Rootfs rootfs, String script) throws Exception {
        Container c = sandbox.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .rootfs(rootfs)
                .cmd(Cmd.builder().args("sh", "-c", script).build())
                .build());
        try (ContainerProcess p = c.process()) {
            c.start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(WAIT);
            return out;
        } finally {
            c.delete();
        }
    }

    private static List<Path> overlaysOfTheSandbox() throws Exception {
        try (Stream<Path> files = Files.list(StoreFiles.runDir(sandbox.id()))) {
            return files.filter(p -> p.toString().endsWith(".qcow2")).toList();
        }
    }

    @Test
    void throwAwayWritesAreSeenByTheContainerAndLeaveTheImageByteIdentical() throws Exception {
        String before = sha256(image);
        String out = run(
                Rootfs.blockDevice(image, "ext4").throwAwayWrites(),
                "echo changed > /marker && dd if=/dev/zero of=/big bs=1M count=4 2>/dev/null && sync && cat /marker");
        assertEquals("changed\n", out);
        assertEquals(before, sha256(image), "the image is byte-identical");
        assertEquals(List.of(), overlaysOfTheSandbox(), "the overlay went with the container's drive");
        assertEquals("base\n", run(Rootfs.blockDevice(image, "ext4").throwAwayWrites(), "cat /marker"));
    }

    @Test
    void aReadOnlyBlockRootfsCannotBeWritten() throws Exception {
        String before = sha256(image);
        String out = run(Rootfs.blockDevice(image, "ext4").readOnly(), "cat /marker; touch /x 2>&1; true");
        assertTrue(out.startsWith("base\n") && out.contains("Read-only file system"), out);
        assertEquals(before, sha256(image));
    }
}
