package dev.vc4j.it;

import dev.vc4j.AlreadyExistsException;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A create that fails, before or after it touched the disk, leaves nothing behind. No VM boots here. */
class FailedCreateTest {
    private final VirtContainers vc = TestStore.virtContainers();

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "..", ".hidden", "nul\0byte", ""})
    void badIdIsRejectedNamingTheFieldAndNothingIsWritten(String id) throws IOException {
        long before = entriesUnderRoots();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> vc.createSandbox(
                        SandboxConfig.builder().id(id).hostname("h").build()));
        assertEquals("id", e.field());
        assertEquals(before, entriesUnderRoots());
        assertTrue(Files.notExists(TestStore.ROOTS.run().resolve("escape")));
    }

    @Test
    void overlongIdIsRejected() {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> vc.createSandbox(
                        SandboxConfig.builder().id("x".repeat(300)).build()));
        assertEquals("id", e.field());
    }

    @Test
    void missingKernelIsRejectedNamingTheFieldAndNothingIsWritten() throws IOException {
        String id = TestStore.uniqueId("nokernel");
        HypervisorConfig hv = HypervisorConfig.builder()
                .kernel(Path.of("/nonexistent/vmlinux"))
                .build();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> vc.createSandbox(
                        SandboxConfig.builder().id(id).hypervisor(hv).build()));
        assertEquals("hypervisor.kernel", e.field());
        assertEquals("/nonexistent/vmlinux", e.value());
        assertEquals(0, TestStore.filesOf(id));
    }

    @Test
    void qemuThatExitsAtStartIsReportedWithItsStatusAndLeavesNothing() throws IOException {
        String id = TestStore.uniqueId("badqemu");
        HypervisorConfig hv =
                HypervisorConfig.builder().qemuBinary(Path.of("/bin/false")).build();
        HypervisorException e = assertThrows(
                HypervisorException.class,
                () -> vc.createSandbox(
                        SandboxConfig.builder().id(id).hypervisor(hv).build()));
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertEquals(0, TestStore.filesOf(id));
    }

    @Test
    void secondCreateWithTheSameIdFailsAndKeepsTheFirst() throws IOException {
        String id = TestStore.uniqueId("dup");
        Path config = TestStore.ROOTS.config().resolve("sbs").resolve(id);
        Files.createDirectories(config);
        Files.writeString(config.resolve("config.json"), "{}");
        try {
            assertThrows(
                    AlreadyExistsException.class,
                    () -> vc.createSandbox(SandboxConfig.builder().id(id).build()));
            assertTrue(Files.exists(config.resolve("config.json")));
        } finally {
            Files.delete(config.resolve("config.json"));
            Files.delete(config);
        }
    }

    private static long entriesUnderRoots() throws IOException {
        long count = 0;
        for (Path root : new Path[] {TestStore.ROOTS.run(), TestStore.ROOTS.config()}) {
            if (Files.exists(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    count += walk.count();
                }
            }
        }
        return count;
    }
}
