package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.spi.HotpluggedDrive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block hotplug against a real QEMU q35 machine that never runs a guest ({@code -S}): QEMU completes
 * device_del at once there, so these tests are about the QMP sequence and its undo; the guest's view is
 * tested in vc-it.
 */
class BlockHotplugTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private GuestlessQemu qemu;
    private QmpClient qmp;
    private BlockHotplug blocks;

    private void start(String... devices) {
        List<String> args = new ArrayList<>(
                List.of("-M", "q35", "-S", "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"));
        for (String device : devices) {
            args.addAll(List.of("-device", device));
        }
        qemu = GuestlessQemu.start(dir, args);
        qmp = qemu.qmp;
        blocks = new BlockHotplug(qmp, new RunFiles(dir), qemu.process.pid());
    }

    private void startWithRootPorts(int count) {
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add("pcie-root-port,id=" + QemuCommandLine.rootPortId(i) + ",bus=pcie.0,chassis=" + (i + 1));
        }
        start(ports.toArray(String[]::new));
    }

    @AfterEach
    void stop() {
        if (qemu != null) {
            qemu.close();
        }
    }

    private Drive rawFile(String name, long size) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return Drive.raw(file);
    }

    /** The devices QEMU has a block backend for, by qdev path. */
    private List<String> blockDevices() {
        List<String> devices = new ArrayList<>();
        for (JsonNode block : qmp.execute("query-block", null, Duration.ofSeconds(5))) {
            devices.add(block.path("qdev").asText());
        }
        return devices;
    }

    @Test
    void drivesGoOnFreeRootPortsWithSerialsAndLeaveNothingWhenUnplugged() throws Exception {
        startWithRootPorts(2);
        HotpluggedDrive a = blocks.plug(rawFile("a.img", 1 << 20));
        HotpluggedDrive b = blocks.plug(rawFile("b.img", 2 << 20));
        assertEquals(List.of(0, 1), List.of(a.index(), b.index()));
        assertTrue(!a.serial().equals(b.serial()) && a.serial().length() <= 20, "virtio-blk serials hold 20 bytes");
        assertEquals(2, blockDevices().size());
        JsonNode serial = qmp.execute(
                "qom-get",
                JSON.createObjectNode()
                        .put("path", "/machine/peripheral/" + b.deviceId())
                        .put("property", "serial"),
                Duration.ofSeconds(5));
        assertEquals(b.serial(), serial.asText());

        blocks.unplug(a);
        HotpluggedDrive c = blocks.plug(rawFile("c.img", 1 << 20));
        assertEquals(0, c.index(), "the freed index and port are used again");
        blocks.unplug(b);
        blocks.unplug(c);
        assertEquals(List.of(), blockDevices());
        assertEquals(List.of(), blocks.blockNodes());
    }

    @Test
    void moreDrivesThanRootPortsFailsClearlyAndLeavesTheOthersAlone() throws Exception {
        startWithRootPorts(1);
        HotpluggedDrive first = blocks.plug(rawFile("a.img", 1 << 20));
        List<String> nodes = blocks.blockNodes();
        HypervisorException e = assertThrows(HypervisorException.class, () -> blocks.plug(rawFile("b.img", 1 << 20)));
        assertTrue(
                e.getMessage().contains("no free PCIe root port")
                        && e.getMessage().contains("b.img")
                        && e.getMessage().contains("hypervisor.hotplugRootPorts"),
                e.getMessage());
        assertEquals(nodes, blocks.blockNodes());
        blocks.unplug(first);
    }

    @Test
    void badDrivesAreRejectedBeforeQemuIsAskedAndLeaveNothing() throws Exception {
        startWithRootPorts(2);
        HotpluggedDrive good = blocks.plug(rawFile("good.img", 1 << 20));
        List<String> nodes = blocks.blockNodes();

        InvalidConfigException missing =
                assertThrows(InvalidConfigException.class, () -> blocks.plug(Drive.raw(dir.resolve("missing.img"))));
        assertEquals("drive.path", missing.field());
        assertEquals(dir.resolve("missing.img").toString(), missing.value());

        Path vmdk = rawFile("disk.vmdk", 1 << 20).path();
        InvalidConfigException format =
                assertThrows(InvalidConfigException.class, () -> blocks.plug(new Drive(vmdk, "vmdk", false)));
        assertEquals("drive.format", format.field());
        assertEquals("vmdk", format.value());

        // a format the file is not: QEMU's own refusal, typed
        QmpCommandException notQcow2 = assertThrows(
                QmpCommandException.class,
                () -> blocks.plug(Drive.qcow2(rawFile("raw.img", 1 << 20).path())));
        assertEquals("blockdev-add", notQcow2.command());
        assertTrue(notQcow2.description().contains("qcow2"), notQcow2.description());

        assertEquals(nodes, blocks.blockNodes());
        assertEquals(1, blockDevices().size());
        blocks.unplug(good);
        assertEquals(List.of(), blocks.blockNodes());
    }

    @Test
    void unpluggingADriveThatIsGoneIsQemusTypedRefusal() throws Exception {
        startWithRootPorts(1);
        HotpluggedDrive drive = blocks.plug(rawFile("a.img", 1 << 20));
        blocks.unplug(drive);
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> blocks.unplug(drive));
        assertEquals("device_del", e.command());
        assertEquals("DeviceNotFound", e.errorClass());
    }

    @Test
    void aFailedDeviceAddUndoesItsBlockdevAdd() throws Exception {
        // a root port that refuses hotplug: blockdev-add succeeds, device_add fails
        start("pcie-root-port,id=" + QemuCommandLine.rootPortId(0) + ",bus=pcie.0,chassis=1,hotplug=off");
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> blocks.plug(rawFile("a.img", 1 << 20)));
        assertEquals("device_add", e.command());
        assertEquals(List.of(), blocks.blockNodes());
        assertEquals(List.of(), blockDevices());
    }

    @Test
    void virtioScsiAddressesDrivesByIndex() throws Exception {
        start("virtio-scsi-pci,id=" + QemuCommandLine.SCSI_CONTROLLER_ID);
        List<HotpluggedDrive> drives = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            drives.add(blocks.plug(rawFile("s" + i + ".img", 1 << 20)));
        }
        JsonNode lun = qmp.execute(
                "qom-get",
                JSON.createObjectNode()
                        .put("path", "/machine/peripheral/" + drives.get(2).deviceId())
                        .put("property", "lun"),
                Duration.ofSeconds(5));
        assertEquals(2, lun.asInt());
        assertEquals(3, blockDevices().size());
        for (HotpluggedDrive drive : drives) {
            blocks.unplug(drive);
        }
        assertEquals(List.of(), blocks.blockNodes());
    }

    /** What the guest would read at the start of {@code drive}, read by QEMU through the drive's device. */
    private String guestReads(HotpluggedDrive drive, int bytes) throws IOException {
        return qemuIo(drive, "read -v 0 " + bytes);
    }

    /** HMP's qemu-io on the drive's device; it prints on QEMU's stdout, which goes to qemu.log. */
    private String qemuIo(HotpluggedDrive drive, String command) throws IOException {
        Path log = dir.resolve("qemu.log");
        long before = Files.size(log);
        String device = "/machine/peripheral/" + drive.deviceId() + "/virtio-backend";
        qmp.execute(
                "human-monitor-command",
                JSON.createObjectNode().put("command-line", "qemu-io -d " + device + " \"" + command + "\""),
                Duration.ofSeconds(5));
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
    }

    private Path secretImage() throws IOException {
        Path secret = dir.resolve("secret.raw");
        Files.writeString(secret, "TOPSECRET host file");
        try (RandomAccessFile f = new RandomAccessFile(secret.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        return secret;
    }

    private void qemuImg(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("qemu-img"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, argv.toString());
    }

    @Test
    void aQcow2DriveIsOpenedWithoutBacking() {
        Drive qcow2 = Drive.qcow2(dir.resolve("a.qcow2"));
        JsonNode blockdev = BlockHotplug.blockdev(new HotpluggedDrive(qcow2, 0, "s0", "d0", "n0"), new RunFiles(dir));
        assertTrue(blockdev.has("backing") && blockdev.get("backing").isNull(), blockdev.toString());
        JsonNode raw = BlockHotplug.blockdev(
                new HotpluggedDrive(Drive.raw(dir.resolve("a.img")), 0, "s0", "d0", "n0"), new RunFiles(dir));
        assertFalse(raw.has("backing"), "raw has no backing to name: " + raw);
    }

    @Test
    void aBackingFileNamedInAQcow2HeaderIsNotShownToTheGuest() throws Exception {
        Path secret = secretImage();
        Path image = dir.resolve("evil.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-F", "raw", "-b", secret.toString(), image.toString());
        startWithRootPorts(1);
        HotpluggedDrive drive = blocks.plug(Drive.qcow2(image));
        String read = guestReads(drive, 32);
        assertTrue(read.contains("read 32/32"), read);
        assertFalse(read.contains("TOPSECRET"), read);
        for (JsonNode node : qmp.execute("query-named-block-nodes", null, Duration.ofSeconds(5))) {
            assertNotEquals(secret.toString(), node.path("file").asText(), "QEMU opened the header's backing file");
        }
        assertEquals(
                List.of(Drive.qcow2(image)),
                blocks.drives().stream().map(HotpluggedDrive::drive).toList());
        blocks.unplug(drive);
    }

    @Test
    void throwAwayWritesLeaveTheImageByteIdenticalAndGoWithTheDrive() throws Exception {
        Path base = secretImage();
        byte[] before = Files.readAllBytes(base);
        startWithRootPorts(1);
        HotpluggedDrive drive = blocks.plug(Drive.raw(base).withThrowAwayWrites());
        assertTrue(guestReads(drive, 16).contains("TOPSECRET"), "the guest sees the image");
        String wrote = qemuIo(drive, "write -P 0x41 0 65536");
        assertTrue(wrote.contains("wrote 65536/65536"), wrote);
        assertTrue(guestReads(drive, 16).contains("AAAAAAAAAAAAAAAA"), "the guest sees its own writes");
        assertArrayEquals(before, Files.readAllBytes(base), "the image is unchanged");
        assertEquals(
                List.of(Drive.raw(base).withThrowAwayWrites()),
                blocks.drives().stream().map(HotpluggedDrive::drive).toList());
        Path overlay = new RunFiles(dir).overlay(drive.nodeName());
        assertTrue(Files.exists(overlay));
        blocks.unplug(drive);
        assertFalse(Files.exists(overlay), "the overlay goes with the drive");
        assertArrayEquals(before, Files.readAllBytes(base));
    }
}
