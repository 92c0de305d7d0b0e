package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The argv of one sandbox's QEMU. No shell is involved: every value is one argument. */
final class QemuCommandLine {
    /** Kernel parameters the guest image relies on; the config's own parameters come after them. */
    private static final List<String> BASE_KERNEL_PARAMS = List.of(
            "console=ttyS0", "quiet", "panic=1", "reboot=t", "tsc=reliable", "no_timer_check", "noreplace-smp");

    private QemuCommandLine() {
    }

    static List<String> forSandbox(VmSpec spec, Accelerator accel, RunFiles files) {
        List<String> argv = new ArrayList<>(common(spec.config(), accel, files.consoleLog(), initParams(spec)));
        argv.addAll(List.of(
                "-name", "vc4j-" + spec.sandboxId(),
                "-pidfile", files.pidFile().toString(),
                // native PCIe hotplug: device_del completes without the guest's help, even when it is paused
                "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"));
        argv.addAll(qmpSocket("qmp-ctl", files.controlSocket()));
        argv.addAll(qmpSocket("qmp-mon", files.monitorSocket()));
        argv.addAll(List.of(
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", "socket,id=agent,path=" + option(files.agentSocket()) + ",server=on,wait=off",
                "-device", "virtserialport,bus=vser0.0,chardev=agent,name=agent.0"));
        for (int i = 0; i < spec.network().size(); i++) {
            NetworkEndpoint nic = spec.network().get(i);
            argv.addAll(List.of("-netdev", netdev(nic, "net" + i),
                    "-device", "virtio-net-pci,netdev=net" + i + ",mac=" + nic.mac()));
        }
        return argv;
    }

    private static String netdev(NetworkEndpoint nic, String id) {
        return switch (nic.backend()) {
            case QEMU_USER -> "user,id=" + id;
        };
    }

    /**
     * What the guest's init needs before the agent runs: its hostname, and its interfaces by MAC
     * ({@code vc4j.if=MAC,ADDRESS/PREFIX,GATEWAY}) with the DNS servers ({@code vc4j.dns=IP}).
     */
    private static List<String> initParams(VmSpec spec) {
        List<String> params = new ArrayList<>(List.of("vc4j.hostname=" + spec.hostname()));
        for (NetworkEndpoint nic : spec.network()) {
            params.add("vc4j.if=" + nic.mac() + "," + nic.ipv4() + "," + nic.gateway());
            nic.dns().forEach(dns -> params.add("vc4j.dns=" + dns));
        }
        return params;
    }

    /** A VM that only boots the guest kernel to tell whether {@code accel} works; it powers itself off. */
    static List<String> forProbe(HypervisorConfig config, Accelerator accel, Path consoleLog) {
        return common(config, accel, consoleLog, List.of("vc4j.probe=1"));
    }

    /** {@code initParams} tell the guest's init what this boot is for. */
    private static List<String> common(HypervisorConfig config, Accelerator accel, Path consoleLog,
            List<String> initParams) {
        List<String> argv = new ArrayList<>(List.of(
                config.qemuBinary().toString(),
                "-machine", "q35",
                "-accel", accel == Accelerator.KVM ? "kvm" : "tcg,thread=multi",
                "-cpu", accel == Accelerator.KVM ? "host" : "max",
                "-m", config.memoryMib() + "M",
                "-smp", Integer.toString(config.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot",
                "-sandbox", "on",
                "-kernel", config.kernel().toString(),
                "-initrd", config.initrd().toString(),
                "-append", kernelCommandLine(config, initParams),
                "-chardev", "file,id=console,path=" + option(consoleLog),
                "-serial", "chardev:console"));
        if (config.bios() != null) {
            argv.addAll(List.of("-bios", config.bios().toString()));
        }
        return argv;
    }

    private static String kernelCommandLine(HypervisorConfig config, List<String> initParams) {
        List<String> params = new ArrayList<>(BASE_KERNEL_PARAMS);
        params.addAll(initParams);
        params.addAll(config.kernelParams());
        return String.join(" ", params);
    }

    /** In QEMU's option syntax a comma separates options; a comma inside a value is written twice. */
    private static String option(Path path) {
        return path.toString().replace(",", ",,");
    }

    private static List<String> qmpSocket(String id, Path path) {
        return List.of("-chardev", "socket,id=" + id + ",path=" + option(path) + ",server=on,wait=off",
                "-mon", "chardev=" + id + ",mode=control");
    }
}
