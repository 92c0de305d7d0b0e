package dev.vc4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Volumes and hotplug room: bad values are rejected naming the field and the value. */
class HotplugConfigTest {
    @TempDir
    Path dir;

    private SandboxConfig.Builder sandbox() {
        // files that exist, so that only the field under test can fail validation
        return SandboxConfig.builder().id("sb").hypervisor(hypervisor().build());
    }

    private HypervisorConfig.Builder hypervisor() {
        Path file = dir.resolve("file");
        try {
            Files.writeString(file, "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HypervisorConfig.builder()
                .qemuBinary(Path.of("/bin/sh"))
                .kernel(file)
                .initrd(file)
                .bios(null);
    }

    private static InvalidConfigException rejected(SandboxConfig config) {
        return assertThrows(InvalidConfigException.class, config::validate);
    }

    @Test
    void volumeSpecSplitsAtTheFirstColon() {
        assertEquals(new Volume("data", Path.of("/a:b")), Volume.parse("data:/a:b"));
        assertEquals(new Volume("data", Path.of("/a:b"), true), Volume.parse("data:/a:b:ro"));
        assertEquals("data:/a:b:ro", Volume.parse("data:/a:b:ro").toString());
        assertEquals(
                "volumes",
                assertThrows(InvalidConfigException.class, () -> Volume.parse("nocolon"))
                        .field());
    }

    @Test
    void volumeNeedsAnExistingDirectoryAndAPlainUniqueTag() {
        InvalidConfigException missing = rejected(
                sandbox().volume(new Volume("data", dir.resolve("nope"))).build());
        assertEquals("volumes[0].hostPath", missing.field());
        assertEquals(dir.resolve("nope").toString(), missing.value());
        assertEquals(
                "volumes[0].mountTag",
                rejected(sandbox().volume(new Volume("a,b", dir)).build()).field());
        assertEquals(
                "volumes[0].hostPath",
                rejected(sandbox().volume(new Volume("rel", Path.of("rel"))).build())
                        .field());
        InvalidConfigException twice = rejected(sandbox()
                .volume(new Volume("t", dir))
                .volume(new Volume("t", dir))
                .build());
        assertEquals("volumes[1].mountTag", twice.field());
        sandbox().volume(new Volume("t", dir)).build().validate();
    }

    @Test
    void hotplugRoomMustFitTheBootSize() {
        assertEquals(
                "hypervisor.maxVcpus",
                rejected(sandbox()
                                .hypervisor(hypervisor().vcpus(2).maxVcpus(1).build())
                                .build())
                        .field());
        assertEquals(
                "hypervisor.maxMemoryMib",
                rejected(sandbox()
                                .hypervisor(hypervisor()
                                        .memoryMib(512)
                                        .maxMemoryMib(256)
                                        .build())
                                .build())
                        .field());
        assertEquals(
                "hypervisor.memorySlots",
                rejected(sandbox()
                                .hypervisor(hypervisor().memorySlots(0).build())
                                .build())
                        .field());
        assertEquals(
                "hypervisor.hotplugRootPorts",
                rejected(sandbox()
                                .hypervisor(hypervisor().hotplugRootPorts(99).build())
                                .build())
                        .field());
        HypervisorConfig defaults = hypervisor().vcpus(6).build();
        assertEquals(6, defaults.maxVcpus());
        assertEquals(512 + 2048, defaults.maxMemoryMib());
    }
}
