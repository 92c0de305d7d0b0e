package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which sandboxes share a template, and what a clone keeps of it. */
class TemplateShapeTest {
    @TempDir
    Path dir;

    private HypervisorConfig.Builder config() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
        Path initrd = Files.writeString(dir.resolve("initrd.img"), "initrd");
        return HypervisorConfig.builder().kernel(kernel).initrd(initrd);
    }

    private static NetworkEndpoint nic(String id, String mac) {
        return new NetworkEndpoint(
                NetworkEndpoint.Backend.PASST,
                "eth0",
                mac,
                "10.0.2.15/24",
                "10.0.2.2",
                List.of(),
                1500,
                passtSocket(id),
                null);
    }

    private static String passtSocket(String id) {
        return "/run/vc4j/sbs/" + id + "/passt.sock";
    }

    private static VmSpec spec(String id, HypervisorConfig config, String mac, List<Drive> drives) {
        return new VmSpec(
                id,
                "host-" + id,
                config,
                List.of(nic(id, mac)),
                Path.of("/run/vc4j/sbs", id),
                Path.of("/run/vc4j/host"),
                List.of(),
                drives,
                Path.of("/run/vc4j/sbs", id, "shared"));
    }

    private static TemplateShape shape(VmSpec spec) {
        return TemplateShape.of(spec, Accelerator.TCG).shape().orElseThrow();
    }

    @Test
    void sandboxesThatDifferOnlyInTheirOwnPartsShareATemplate() throws Exception {
        HypervisorConfig config = config().build();
        TemplateShape a = shape(spec("a", config, "02:00:00:00:00:0a", List.of()));
        TemplateShape b = shape(spec("b", config, "02:00:00:00:00:0b", List.of()));
        assertEquals(a.key(), b.key());
        assertEquals(a.inputs(), b.inputs());
    }

    @Test
    void anotherShapeGetsAnotherTemplate() throws Exception {
        HypervisorConfig small = config().build();
        HypervisorConfig big = config().memoryMib(small.memoryMib() * 2).build();
        assertNotEquals(
                shape(spec("a", small, "02:00:00:00:00:0a", List.of())).key(),
                shape(spec("a", big, "02:00:00:00:00:0a", List.of())).key());
    }

    @Test
    void aChangedKernelMakesTheTemplateStale() throws Exception {
        HypervisorConfig config = config().build();
        TemplateShape before = shape(spec("a", config, "02:00:00:00:00:0a", List.of()));
        Files.writeString(config.kernel(), "a newer kernel");
        TemplateShape after = shape(spec("a", config, "02:00:00:00:00:0a", List.of()));
        assertEquals(before.key(), after.key());
        assertNotEquals(before.inputs(), after.inputs());
    }

    @Test
    void aCloneRunsInItsOwnFilesWithTheTemplatesMacs() throws Exception {
        VmSpec spec = spec("a", config().build(), "02:00:00:00:00:0a", List.of());
        TemplateShape shape = shape(spec);
        List<String> argv = shape.cloneArgv(spec);
        assertTrue(argv.stream().anyMatch(a -> a.contains("/run/vc4j/sbs/a/qmp-ctl.sock")), argv.toString());
        assertTrue(argv.stream().anyMatch(a -> a.contains("path=/run/vc4j/sbs/a/shared")), argv.toString());
        assertFalse(argv.stream().anyMatch(a -> a.contains("02:00:00:00:00:0a")), argv.toString());
        assertEquals(
                shape.guestMacs(),
                shape.withTemplateMacs(List.of(nic("a", "02:00:00:00:00:0a"))).stream()
                        .map(NetworkEndpoint::mac)
                        .toList());
    }

    @Test
    void neitherTheTemplateNorAClonePlugsTheSandboxsPasstAtLaunch() throws Exception {
        VmSpec spec = spec("a", config().build(), "02:00:00:00:00:0a", List.of());
        TemplateShape shape = shape(spec);
        List<String> template = shape.templateArgv(shape.templateSpec(spec, dir));
        List<String> clone = shape.cloneArgv(spec);
        assertTrue(template.stream().anyMatch(a -> a.startsWith("stream,id=net0,server=on,")), template.toString());
        assertTrue(clone.contains("hubport,id=net0,hubid=0"), clone.toString());
        for (List<String> argv : List.of(template, clone)) {
            assertFalse(argv.stream().anyMatch(a -> a.contains(passtSocket("a"))), argv.toString());
        }
    }

    @Test
    void drivesPluggedAtBootGetNoTemplate() throws Exception {
        Drive drive = Drive.raw(Files.writeString(dir.resolve("disk.img"), ""));
        TemplateShape.Shaped shaped =
                TemplateShape.of(spec("a", config().build(), "02:00:00:00:00:0a", List.of(drive)), Accelerator.TCG);
        assertTrue(shaped.shape().isEmpty());
        assertTrue(shaped.reason().contains("drives"), shaped.reason());
    }
}
