package dev.vc4j.it;

import dev.vc4j.BlockDriver;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.spi.HotpluggedDrive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives on the virtio-scsi controller: the guest finds each by its SCSI unit serial number. */
class ScsiHotplugIT {
    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest("scsi",
            HypervisorConfig.builder().blockDriver(BlockDriver.VIRTIO_SCSI).hotplugRootPorts(0).build());
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
