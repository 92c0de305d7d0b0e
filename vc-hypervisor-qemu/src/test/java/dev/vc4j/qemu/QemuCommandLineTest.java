package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.BlockDriver;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The argv QEMU gets; that QEMU accepts it and the guest sees what it asks for is tested in vc-it. */
class QemuCommandLineTest {
    private static final RunFiles FILES = new RunFiles(Path.of("/run/vc4j/sbs/sb1"));

    private static HypervisorConfig.Builder config() {
        return HypervisorConfig.builder().kernel(Path.of("/img/vmlinux")).initrd(Path.of("/img/initrd.img"));
    }

    private static List<String> argv(HypervisorConfig config, Accelerator accel, OptionalLong cid, Volume... volumes) {
        return QemuCommandLine.forSandbox(
                new VmSpec(
                        "sb1", "host1", config, List.of(), FILES.dir(), Path.of("/cache"), List.of(volumes), List.of()),
                accel,
                FILES,
                cid);
    }

    /** The value after each occurrence of {@code option}. */
    private static List<String> values(List<String> argv, String option) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option)) {
                values.add(argv.get(i + 1));
            }
        }
        return values;
    }

    @Test
    void hardenedQ35WithNativePcieHotplugAndTcgThreads() {
        List<String> argv = argv(config().build(), Accelerator.TCG, OptionalLong.empty());
        assertEquals("/usr/bin/qemu-system-x86_64", argv.get(0));
        assertEquals(List.of("q35"), values(argv, "-machine"));
        assertEquals(List.of("tcg,thread=multi"), values(argv, "-accel"));
        assertEquals(
                List.of("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"),
                values(argv, "-sandbox"));
        assertTrue(argv.containsAll(List.of("-nodefaults", "-no-user-config", "-no-reboot")), argv.toString());
        assertTrue(values(argv, "-global").contains("ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"));
        assertTrue(values(argv, "-device").contains("pvpanic"));
        assertEquals(List.of("panic=exit-failure"), values(argv, "-action"));
        assertEquals(List.of("kvm"), values(argv(config().build(), Accelerator.KVM, OptionalLong.empty()), "-accel"));
    }

    @Test
    void rootPortsAreReservedForHotplugAsConfigured() {
        List<String> ports =
                values(argv(config().hotplugRootPorts(3).build(), Accelerator.TCG, OptionalLong.empty()), "-device")
                        .stream()
                        .filter(d -> d.startsWith("pcie-root-port,"))
                        .toList();
        assertEquals(
                List.of(
                        "pcie-root-port,id=vc4j-rp0,bus=pcie.0,chassis=1",
                        "pcie-root-port,id=vc4j-rp1,bus=pcie.0,chassis=2",
                        "pcie-root-port,id=vc4j-rp2,bus=pcie.0,chassis=3"),
                ports);
        List<String> none =
                values(argv(config().hotplugRootPorts(0).build(), Accelerator.TCG, OptionalLong.empty()), "-device");
        assertTrue(none.stream().noneMatch(d -> d.startsWith("pcie-root-port")), none.toString());
    }

    @Test
    void memorySlotsMaxmemAndMaxcpusLeaveRoomForHotplug() {
        List<String> argv = argv(
                config().memoryMib(512)
                        .maxMemoryMib(1536)
                        .memorySlots(4)
                        .vcpus(2)
                        .maxVcpus(6)
                        .build(),
                Accelerator.TCG,
                OptionalLong.empty());
        assertEquals(List.of("512M,slots=4,maxmem=1536M"), values(argv, "-m"));
        assertEquals(List.of("2,maxcpus=6"), values(argv, "-smp"));
        List<String> fixed =
                argv(config().memoryMib(512).maxMemoryMib(512).build(), Accelerator.TCG, OptionalLong.empty());
        assertEquals(List.of("512M"), values(fixed, "-m"));
    }

    @Test
    void eachVolumeIsA9pShareWithItsTag() {
        List<String> argv = argv(
                config().build(),
                Accelerator.TCG,
                OptionalLong.empty(),
                Volume.parse("data:/srv/data"),
                Volume.parse("odd:/srv/a,b:ro"));
        String model = QemuConfinement.privileged() ? "mapped-xattr" : "none";
        assertEquals(
                List.of(
                        "local,id=vc4j-fs-data,path=/srv/data,security_model=" + model + ",multidevs=remap",
                        "local,id=vc4j-fs-odd,path=/srv/a,,b,security_model=" + model + ",readonly=on,multidevs=remap"),
                values(argv, "-fsdev"));
        List<String> devices = values(argv, "-device");
        assertTrue(devices.contains("virtio-9p-pci,fsdev=vc4j-fs-data,mount_tag=data"), devices.toString());
        assertTrue(devices.contains("virtio-9p-pci,fsdev=vc4j-fs-odd,mount_tag=odd"), devices.toString());
    }

    @Test
    void aRootQemuKeepsTheGuestsOwnersAndModesOfAVolumeInExtendedAttributes() {
        assertEquals("mapped-xattr", QemuConfinement.volumeSecurityModel(true));
        assertEquals("none", QemuConfinement.volumeSecurityModel(false));
    }

    @Test
    void theSharedDirectoryIsA9pShareOfItsOwnBesideTheVolumes() {
        VmSpec spec = new VmSpec(
                "sb1",
                "host1",
                config().build(),
                List.of(),
                FILES.dir(),
                Path.of("/cache"),
                List.of(Volume.parse("data:/srv/data")),
                List.of(),
                Path.of("/run/vc4j/sbs/sb1/shared"));
        List<String> argv = QemuCommandLine.forSandbox(spec, Accelerator.TCG, FILES, OptionalLong.empty());
        assertEquals(
                List.of(
                        "local,id=vc4j-fs-data,path=/srv/data,security_model="
                                + (QemuConfinement.privileged() ? "mapped-xattr" : "none") + ",multidevs=remap",
                        "local,id=vc4j-shared,path=/run/vc4j/sbs/sb1/shared,security_model=none,multidevs=remap"),
                values(argv, "-fsdev"));
        List<String> devices = values(argv, "-device");
        assertTrue(devices.contains("virtio-9p-pci,fsdev=vc4j-shared,mount_tag=vc4j-shared"), devices.toString());
        assertTrue(
                values(argv(config().build(), Accelerator.TCG, OptionalLong.empty()), "-fsdev")
                        .isEmpty(),
                "a VM that runs no container has none");
    }

    @Test
    void aPasstNicConnectsToPasstsSocket() {
        NetworkEndpoint nic = new NetworkEndpoint(
                NetworkEndpoint.Backend.PASST,
                "eth0",
                "02:00:00:00:00:01",
                "10.0.2.15/24",
                "10.0.2.2",
                List.of(),
                1500,
                "/run/vc4j/sbs/sb,1/passt.sock",
                null);
        VmSpec spec = new VmSpec(
                "sb1", "host1", config().build(), List.of(nic), FILES.dir(), Path.of("/cache"), List.of(), List.of());
        List<String> argv = QemuCommandLine.forSandbox(spec, Accelerator.TCG, FILES, OptionalLong.empty());
        assertEquals(
                List.of("stream,id=net0,server=off,addr.type=unix,addr.path=/run/vc4j/sbs/sb,,1/passt.sock"),
                values(argv, "-netdev"));
        assertTrue(
                values(argv, "-device").contains("virtio-net-pci,netdev=net0,mac=02:00:00:00:00:01"),
                values(argv, "-device").toString());
    }

    @Test
    void vsockDeviceOnlyWithAGuestCidAndTheSerialPortEitherWay() {
        List<String> withVsock = values(argv(config().build(), Accelerator.TCG, OptionalLong.of(1234)), "-device");
        assertTrue(withVsock.contains("vhost-vsock-pci,id=vsock0,guest-cid=1234"), withVsock.toString());
        List<String> without = values(argv(config().build(), Accelerator.TCG, OptionalLong.empty()), "-device");
        assertTrue(without.stream().noneMatch(d -> d.contains("vsock")), without.toString());
        for (List<String> devices : List.of(withVsock, without)) {
            assertTrue(devices.contains("virtserialport,bus=vser0.0,chardev=agent,name=agent.0"), devices.toString());
        }
    }

    @Test
    void virtioScsiAddsOneControllerAtBoot() {
        List<String> devices = values(
                argv(config().blockDriver(BlockDriver.VIRTIO_SCSI).build(), Accelerator.TCG, OptionalLong.empty()),
                "-device");
        assertEquals(1, Collections.frequency(devices, "virtio-scsi-pci,id=vc4j-scsi"));
        assertFalse(values(
                        argv(
                                config().blockDriver(BlockDriver.VIRTIO_BLK).build(),
                                Accelerator.TCG,
                                OptionalLong.empty()),
                        "-device")
                .stream()
                .anyMatch(d -> d.startsWith("virtio-scsi")));
    }

    @Test
    void kernelParamsFollowTheDriversOwn() {
        String append = values(
                        argv(config().kernelParam("loglevel=7").build(), Accelerator.TCG, OptionalLong.empty()),
                        "-append")
                .get(0);
        assertTrue(append.startsWith("console=ttyS0 "), append);
        assertTrue(append.endsWith(" vc4j.hostname=host1 loglevel=7"), append);
    }

    @Test
    void consoleAndSocketsLiveInTheRunDirectory() {
        List<String> argv = argv(config().build(), Accelerator.TCG, OptionalLong.empty());
        List<String> chardevs = values(argv, "-chardev");
        assertTrue(
                chardevs.contains("socket,id=console,path=/run/vc4j/sbs/sb1/console.sock,server=on,wait=off"),
                chardevs.toString());
        assertTrue(chardevs.contains("socket,id=qmp-ctl,path=/run/vc4j/sbs/sb1/qmp-ctl.sock,server=on,wait=off"));
        assertTrue(chardevs.contains("socket,id=qmp-mon,path=/run/vc4j/sbs/sb1/qmp-mon.sock,server=on,wait=off"));
        assertTrue(chardevs.contains("socket,id=agent,path=/run/vc4j/sbs/sb1/agent.sock,server=on,wait=off"));
        assertEquals(List.of("/run/vc4j/sbs/sb1/qemu.pid"), values(argv, "-pidfile"));
    }
}
