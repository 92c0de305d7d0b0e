package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.spi.VmResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPU and memory hotplug against a real QEMU that never runs a guest ({@code -S}); the guest's view is in vc-it. */
class ResourceHotplugTest {
    @TempDir
    Path dir;

    private GuestlessQemu qemu;
    private QmpClient qmp;
    private ResourceHotplug resources;

    @BeforeEach
    void start() {
        qemu = GuestlessQemu.start(
                dir,
                List.of(
                        "-M",
                        "q35",
                        "-S",
                        "-accel",
                        "tcg",
                        "-cpu",
                        "max",
                        "-smp",
                        "1,maxcpus=3",
                        "-m",
                        "256M,slots=2,maxmem=768M"));
        qmp = qemu.qmp;
        resources = new ResourceHotplug(qmp, Accelerator.TCG);
    }

    @AfterEach
    void stop() {
        qemu.close();
    }

    @Test
    void cpusAreAddedUpToMaxcpusAllOrNone() {
        InvalidConfigException tooMany = assertThrows(InvalidConfigException.class, () -> resources.addVcpus(3));
        assertTrue(tooMany.getMessage().contains("1 of 3"), tooMany.getMessage());
        assertEquals(1, presentCpus());
        assertEquals(2, resources.addVcpus(1));
        assertEquals(3, resources.addVcpus(1));
        assertThrows(InvalidConfigException.class, () -> resources.addVcpus(1));
        assertEquals(3, presentCpus());
    }

    @Test
    void memoryIsAddedAsDimmsAndARefusedDimmLeavesNoBackend() {
        assertEquals(
                "memoryMib",
                assertThrows(InvalidConfigException.class, () -> resources.addMemory(100))
                        .field());
        QmpCommandException tooBig = assertThrows(QmpCommandException.class, () -> resources.addMemory(1024));
        assertEquals("device_add", tooBig.command());
        assertEquals(List.of("pc.ram"), memoryBackends());

        resources.addMemory(256);
        resources.addMemory(256);
        assertEquals(768L << 20, plugged() + (256L << 20));
        assertEquals(3, memoryBackends().size());
    }

    @Test
    void removalsNameWhatCanGoAndVcpusNeedKvm() {
        assertEquals(2, resources.addVcpus(1));
        HypervisorException tcg = assertThrows(HypervisorException.class, () -> resources.removeVcpus(1));
        assertTrue(tcg.getMessage().contains("needs KVM"), tcg.getMessage());
        assertEquals(2, presentCpus());

        resources.addMemory(256);
        InvalidConfigException notADimm = assertThrows(InvalidConfigException.class, () -> resources.removeMemory(128));
        assertEquals("memoryMib", notADimm.field());
        assertTrue(notADimm.getMessage().contains("[256]"), notADimm.getMessage());
        assertEquals(new VmResources(2, 512), resources.size());
    }

    private int presentCpus() {
        int present = 0;
        for (JsonNode cpu : qmp.execute("query-hotpluggable-cpus", null, Duration.ofSeconds(5))) {
            present += cpu.has("qom-path") ? 1 : 0;
        }
        return present;
    }

    private long plugged() {
        return qmp.execute("query-memory-size-summary", null, Duration.ofSeconds(5))
                .path("plugged-memory")
                .asLong();
    }

    private List<String> memoryBackends() {
        List<String> ids = new ArrayList<>();
        qmp.execute("query-memdev", null, Duration.ofSeconds(5))
                .forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }
}
