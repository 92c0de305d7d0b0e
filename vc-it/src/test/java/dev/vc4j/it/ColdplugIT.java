package dev.vc4j.it;

import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.qemu.QemuHypervisor;
import dev.vc4j.spi.HotpluggedDrive;
import dev.vc4j.spi.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives known at create time are plugged at boot; they list, read and unplug like hotplugged ones. */
class ColdplugIT {
    private static final Path IMAGES = tempDir();
    private static final Drive RAW = Drive.raw(image("raw.img", 4, "raw marker"));
    private static final Drive QCOW2 = qcow2("disk.qcow2", 6);

    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest(
            "coldplug", HypervisorConfig.builder().hotplugRootPorts(3).build(), List.of(RAW, QCOW2));

    @Test
    void bootDrivesAreSeenBySerialAndTheNextHotplugTakesTheNextPort() throws Exception {
        GuestVm guest = SHARED.get();
        List<HotpluggedDrive> atBoot = guest.vm.drives();
        assertEquals(
                List.of(RAW, QCOW2), atBoot.stream().map(HotpluggedDrive::drive).toList());

        String raw = guest.blockDeviceBySerial(atBoot.get(0).serial());
        assertEquals("raw marker", guest.sh("dd if=/dev/" + raw + " bs=10 count=1 2>/dev/null"));
        assertEquals(
                Long.toString(6L << 20),
                guest.sh("echo $(( $(cat /sys/block/"
                                + guest.blockDeviceBySerial(atBoot.get(1).serial()) + "/size) * 512 ))")
                        .strip());

        HotpluggedDrive third = guest.vm.hotplugDrive(Drive.raw(image("third.img", 1, "")));
        assertEquals(2, third.index());
        guest.blockDeviceBySerial(third.serial());
        HypervisorException full = assertThrows(
                HypervisorException.class, () -> guest.vm.hotplugDrive(Drive.raw(image("fourth.img", 1, ""))));
        assertTrue(full.getMessage().contains("no free PCIe root port"), full.getMessage());

        guest.vm.unplugDrive(atBoot.get(0));
        guest.vm.unplugDrive(third);
        assertEquals(
                List.of(QCOW2),
                guest.vm.drives().stream().map(HotpluggedDrive::drive).toList());
    }

    @Test
    void moreBootDrivesThanRootPortsIsRejectedBeforeQemuStarts() throws Exception {
        Path runDir = TestStore.vmRunDir(TestStore.uniqueId("cold"));
        assertEquals("drives", rejectedAtStart(runDir, List.of(RAW, QCOW2)).field());
        InvalidConfigException missing = rejectedAtStart(runDir, List.of(Drive.raw(IMAGES.resolve("nope.img"))));
        assertEquals("drives[0].path", missing.field());
        try (var left = Files.list(runDir)) {
            assertEquals(0, left.count(), "nothing created in the run directory");
        }
        Files.delete(runDir);
    }

    /** What starting a VM with one root port and {@code drives} at boot throws. */
    private static InvalidConfigException rejectedAtStart(Path runDir, List<Drive> drives) {
        HypervisorConfig oneBootPort =
                HypervisorConfig.builder().hotplugRootPorts(1).build();
        return assertThrows(
                InvalidConfigException.class,
                () -> new QemuHypervisor()
                        .start(new VmSpec(
                                "cold",
                                "cold",
                                oneBootPort,
                                List.of(),
                                runDir,
                                TestStore.ROOTS.hostCache(),
                                List.of(),
                                drives)));
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("vc4j-coldplug");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path image(String name, int mib, String marker) {
        Path file = IMAGES.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((long) mib << 20);
            f.write(marker.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private static Drive qcow2(String name, int mib) {
        Path file = IMAGES.resolve(name);
        try {
            Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), mib + "M")
                    .inheritIO()
                    .start();
            assertEquals(0, p.waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        file.toFile().deleteOnExit();
        return Drive.qcow2(file);
    }
}
