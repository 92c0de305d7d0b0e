package dev.vc4j.it;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the command line promises, seen from inside a booted guest: shares, hotplug ports, CPU room. */
class VmLayoutIT {
    private static Path shared;
    private static GuestVm guest;

    @BeforeAll
    static void boot() throws Exception {
        shared = Files.createTempDirectory("vc4j-share");
        Files.writeString(shared.resolve("from-host.txt"), "hello guest\n");
        guest = GuestVm.boot(
                "layout",
                HypervisorConfig.builder()
                        .hotplugRootPorts(5)
                        .vcpus(1)
                        .maxVcpus(3)
                        .build(),
                List.of(new Volume("data", shared)),
                List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (guest != null) {
            guest.close();
        }
        try (var files = Files.list(shared)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(shared);
    }

    @Test
    void aVolumeIsMountedByItsTagAndSharedBothWays() throws Exception {
        assertEquals(
                "hello guest\n",
                guest.sh("mkdir -p /mnt/data && mount -t 9p -o trans=virtio,version=9p2000.L"
                        + " data /mnt/data && cat /mnt/data/from-host.txt"));
        guest.sh("echo hello host > /mnt/data/from-guest.txt && sync");
        assertEquals("hello host\n", Files.readString(shared.resolve("from-guest.txt")));
    }

    @Test
    void theGuestSeesTheReservedRootPorts() {
        // PCI class 0x0604xx: PCI-to-PCI bridge, which is what a PCIe root port is to the guest
        String bridges = guest.sh("grep -l '^0x0604' /sys/bus/pci/devices/*/class | wc -l");
        assertEquals("5", bridges.strip());
    }

    @Test
    void oneCpuOnlineAndRoomForMaxVcpus() {
        assertEquals("0-2", guest.sh("cat /sys/devices/system/cpu/possible").strip());
        assertEquals("0", guest.sh("cat /sys/devices/system/cpu/online").strip());
    }
}
