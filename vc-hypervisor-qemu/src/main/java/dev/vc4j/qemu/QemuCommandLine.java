package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.BlockDriver;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/** The argv of one sandbox's QEMU. No shell is involved: every value is one argument. */
final class QemuCommandLine {
    /**
     * Kernel parameters the guest image relies on; the config's own parameters come after them.
     * memhp_default_state: hot-added memory is onlined by the guest kernel itself, into ZONE_MOVABLE, whose pages
     * can be migrated away again; memory onlined for the kernel's own use could rarely be unplugged.
     * cryptomgr.notests: no self-tests of the kernel's crypto algorithms at boot, its slowest initcalls under TCG.
     */
    private static final List<String> BASE_KERNEL_PARAMS = List.of(
            "console=ttyS0",
            "quiet",
            "panic=1",
            "reboot=t",
            "tsc=reliable",
            "no_timer_check",
            "noreplace-smp",
            "cryptomgr.notests",
            "memhp_default_state=online_movable");

    /**
     * QEMU's seccomp filter with every optional group denied: a QEMU taken over by its guest cannot start a
     * program, change its ids, raise its priority or pin itself, nor use obsolete system calls.
     */
    static final String SECCOMP = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    static final String SCSI_CONTROLLER_ID = "vc4j-scsi";
    private static final Path VHOST_NET = Path.of("/dev/vhost-net");
    static final String ROOT_PORT_PREFIX = "vc4j-rp";

    private QemuCommandLine() {}

    /** The id of the backend of guest interface {@code index}. */
    static String netdevId(int index) {
        return "net" + index;
    }

    /** The id of hotplug root port {@code index}; drives are plugged into these by id. */
    static String rootPortId(int index) {
        return ROOT_PORT_PREFIX + index;
    }

    /** {@code vsockCid} is the guest's vsock address, or empty where the host has no vhost-vsock. */
    static List<String> forSandbox(VmSpec spec, Accelerator accel, RunFiles files, OptionalLong vsockCid) {
        return forSandbox(spec, accel, files, vsockCid, (nic, index) -> netdev(nic, netdevId(index)));
    }

    /** As above, with {@code netdev} giving the {@code -netdev} value of interface {@code index} of the spec. */
    static List<String> forSandbox(
            VmSpec spec,
            Accelerator accel,
            RunFiles files,
            OptionalLong vsockCid,
            BiFunction<NetworkEndpoint, Integer, String> netdev) {
        HypervisorConfig config = spec.config();
        List<String> argv = new ArrayList<>(common(
                config,
                accel,
                "socket,id=console,path=" + option(files.consoleSocket()) + ",server=on,wait=off",
                initParams(spec)));
        argv.addAll(List.of(
                "-name", "vc4j-" + spec.sandboxId(),
                "-pidfile", files.pidFile().toString(),
                // native PCIe hotplug: device_del completes without the guest's help, even when it is paused
                "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
                // a panicking guest tells QEMU (GUEST_PANICKED), which then exits instead of keeping a dead VM
                "-device", "pvpanic",
                "-action", "panic=exit-failure"));
        argv.addAll(qmpSocket("qmp-ctl", files.controlSocket()));
        argv.addAll(qmpSocket("qmp-mon", files.monitorSocket()));
        argv.addAll(List.of(
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", "socket,id=agent,path=" + option(files.agentSocket()) + ",server=on,wait=off",
                "-device", "virtserialport,bus=vser0.0,chardev=agent,name=agent.0"));
        for (int i = 0; i < spec.network().size(); i++) {
            NetworkEndpoint nic = spec.network().get(i);
            argv.addAll(List.of(
                    "-netdev",
                    netdev.apply(nic, i),
                    "-device",
                    "virtio-net-pci,netdev=" + netdevId(i) + ",mac=" + nic.mac()));
        }
        vsockCid.ifPresent(cid -> argv.addAll(List.of("-device", "vhost-vsock-pci,id=vsock0,guest-cid=" + cid)));
        for (Volume volume : spec.volumes()) {
            argv.addAll(ninePShare(
                    "vc4j-fs-" + volume.mountTag(),
                    volume.hostPath(),
                    volume.mountTag(),
                    "security_model=" + QemuConfinement.volumeSecurityModel(QemuConfinement.privileged())
                            + (volume.readOnly() ? ",readonly=on" : "")));
        }
        if (spec.sharedDir() != null) {
            // its own device, apart from the volumes: no volume may take its tag
            argv.addAll(ninePShare("vc4j-shared", spec.sharedDir(), VmSpec.SHARED_DIR_TAG, "security_model=none"));
        }
        if (config.blockDriver() == BlockDriver.VIRTIO_SCSI) {
            argv.addAll(List.of("-device", "virtio-scsi-pci,id=" + SCSI_CONTROLLER_ID));
        }
        for (int i = 0; i < config.hotplugRootPorts(); i++) {
            // a root port takes a slot on pcie.0; the chassis number tells the ports apart
            argv.addAll(List.of("-device", "pcie-root-port,id=" + rootPortId(i) + ",bus=pcie.0,chassis=" + (i + 1)));
        }
        argv.addAll(BlockHotplug.coldplugArgs(spec.drives(), config.blockDriver(), files));
        return argv;
    }

    /**
     * A host directory on a virtio-9p device. remap: inode numbers from different host file systems under one
     * share (each container's rootfs in the shared directory) must not collide in the guest.
     */
    private static List<String> ninePShare(String fsdev, Path dir, String tag, String security) {
        return List.of(
                "-fsdev", "local,id=" + fsdev + ",path=" + option(dir) + "," + security + ",multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=" + fsdev + ",mount_tag=" + tag);
    }

    /**
     * {@code argv} run inside the network namespace of the sandbox's taps, where it has one: nsenter without
     * --fork execs it, so the pid launched is QEMU's. A list, so that other launch wrappers compose with it.
     */
    static List<String> inNetworkNamespace(VmSpec spec, List<String> argv) {
        Optional<Path> namespace = spec.network().stream()
                .map(NetworkEndpoint::namespace)
                .filter(Objects::nonNull)
                .findFirst();
        if (namespace.isEmpty()) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(List.of("nsenter", "--net=" + namespace.get(), "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    private static String netdev(NetworkEndpoint nic, String id) {
        return switch (nic.backend()) {
            case PASST -> "stream,id=" + id + ",server=off,addr.type=unix,addr.path=" + option(Path.of(nic.hostLink()));
            case TAP ->
                "tap,id=" + id + ",ifname=" + nic.hostLink() + ",script=no,downscript=no"
                        + (Files.exists(VHOST_NET) ? ",vhost=on" : "");
        };
    }

    /**
     * What the guest's init needs before the agent runs: its hostname. Interfaces, routes and DNS are the agent's
     * to set once it answers.
     */
    private static List<String> initParams(VmSpec spec) {
        return List.of("vc4j.hostname=" + spec.hostname());
    }

    /** A VM that only boots the guest kernel to tell whether {@code accel} works; it powers itself off. */
    static List<String> forProbe(HypervisorConfig config, Accelerator accel, Path consoleLog) {
        return common(config, accel, "file,id=console,path=" + option(consoleLog), List.of("vc4j.probe=1"));
    }

    /** {@code console} is the serial port's chardev; {@code initParams} tell the guest's init what this boot is for. */
    private static List<String> common(
            HypervisorConfig config, Accelerator accel, String console, List<String> initParams) {
        List<String> argv = new ArrayList<>(List.of(
                config.qemuBinary().toString(),
                "-machine",
                "q35",
                "-accel",
                accel == Accelerator.KVM ? "kvm" : "tcg,thread=multi",
                "-cpu",
                accel == Accelerator.KVM ? "host" : "max",
                "-m",
                memory(config),
                "-smp",
                config.vcpus() + ",maxcpus=" + config.maxVcpus(),
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-no-reboot",
                "-sandbox",
                SECCOMP,
                "-kernel",
                config.kernel().toString(),
                "-initrd",
                config.initrd().toString(),
                "-append",
                kernelCommandLine(config, initParams),
                "-chardev",
                console,
                "-serial",
                "chardev:console"));
        if (config.bios() != null) {
            argv.addAll(List.of("-bios", config.bios().toString()));
        }
        return argv;
    }

    private static String memory(HypervisorConfig config) {
        String boot = config.memoryMib() + "M";
        if (config.maxMemoryMib() == config.memoryMib()) {
            return boot;
        }
        return boot + ",slots=" + config.memorySlots() + ",maxmem=" + config.maxMemoryMib() + "M";
    }

    private static String kernelCommandLine(HypervisorConfig config, List<String> initParams) {
        List<String> params = new ArrayList<>(BASE_KERNEL_PARAMS);
        params.addAll(initParams);
        params.addAll(config.kernelParams());
        return String.join(" ", params);
    }

    /** In QEMU's option syntax a comma separates options; a comma inside a value is written twice. */
    static String option(Path path) {
        return path.toString().replace(",", ",,");
    }

    private static List<String> qmpSocket(String id, Path path) {
        return List.of(
                "-chardev",
                "socket,id=" + id + ",path=" + option(path) + ",server=on,wait=off",
                "-mon",
                "chardev=" + id + ",mode=control");
    }
}
