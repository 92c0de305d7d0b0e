package dev.vc4j.it;

import dev.vc4j.BlockDriver;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.agent.OciSpecs;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.HotpluggedDrive;
import dev.vc4j.spi.ProcessIo;
import dev.vc4j.spi.StorageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives on the virtio-scsi controller: the guest (and its agent) finds each by its SCSI unit serial number. */
class ScsiHotplugIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest(
            "scsi",
            HypervisorConfig.builder()
                    .blockDriver(BlockDriver.VIRTIO_SCSI)
                    .hotplugRootPorts(0)
                    .build());

    @TempDir
    Path images;

    @Test
    void scsiDrivesAreSeenBySerialWithTheirSizeAndGoAwayOnUnplug() throws Exception {
        GuestVm guest = SHARED.get();
        HotpluggedDrive small = guest.vm.hotplugDrive(Drive.raw(image("small.img", 3)));
        HotpluggedDrive large = guest.vm.hotplugDrive(Drive.raw(image("large.img", 5)));

        assertEquals(3L << 20, sizeBySerial(guest, small.serial()));
        assertEquals(5L << 20, sizeBySerial(guest, large.serial()));

        guest.vm.unplugDrive(small);
        guest.vm.unplugDrive(large);
        assertEquals("", guest.sh("ls /sys/class/scsi_disk"));
        assertEquals(List.of(), guest.vm.blockNodes());
    }

    @Test
    void aContainerRunsFromAScsiDiskThatTheAgentWaitsForBySerial() throws Exception {
        GuestVm guest = SHARED.get();
        Path tree = HostRootfs.make(Files.createDirectory(images.resolve("tree")));
        Files.writeString(tree.resolve("marker"), "on scsi\n");
        Path image = HostRootfs.ext4Image(tree, images.resolve("rootfs.ext4"));
        // the plug returns before the guest has probed the disk: the agent waits for its serial to appear
        HotpluggedDrive disk = guest.vm.hotplugDrive(Drive.raw(image));
        String id = "scsi-root";
        guest.agent.createContainer(
                ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of("cat", "/marker")))
                        .storage(StorageSpec.block(disk.serial(), "ext4", "rootfs", Duration.ofSeconds(30)))
                        .build());
        guest.agent.startContainer(id);
        try (ProcessIo io = guest.agent.processIo(id, "", WAIT)) {
            assertEquals("on scsi\n", new String(io.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, io.waitFor(WAIT).exitCode());
        }
        guest.agent.removeContainer(id);
        guest.vm.unplugDrive(disk);
        assertEquals("", guest.sh("ls /sys/class/scsi_disk"));
    }

    /** The size of the SCSI disk whose unit serial number (VPD page 0x80, after its 4-byte header) is {@code serial}. */
    private static long sizeBySerial(GuestVm guest, String serial) {
        String found = guest.sh("t=0; while [ $t -lt 200 ]; do for d in /sys/block/sd*; do"
                + " [ -r \"$d/device/vpd_pg80\" ] && [ \"$(tail -c +5 \"$d/device/vpd_pg80\")\" = '" + serial + "' ]"
                + " && echo $(( $(cat \"$d/size\") * 512 )) && exit 0;"
                + " done; t=$((t+1)); sleep 0.05; done; echo missing");
        return Long.parseLong(found.strip());
    }

    private Path image(String name, int mib) throws Exception {
        Path file = images.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((long) mib << 20);
        }
        return file;
    }
}
