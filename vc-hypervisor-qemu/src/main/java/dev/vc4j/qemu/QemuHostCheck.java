package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.HostCheck;
import dev.vc4j.HostCheck.Item;
import dev.vc4j.HostCheck.Status;
import dev.vc4j.HypervisorConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the QEMU driver needs of the host, checked by trying where a file's existence proves nothing. */
final class QemuHostCheck {
    private static final long VERSION_TIMEOUT_SECONDS = 5;
    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)(\\.\\d+)?");
    // blockdev-add without the x- prefix, -sandbox on and native PCIe hotplug as used here
    private static final int MIN_MAJOR = 6;

    private QemuHostCheck() {}

    /** Opened as the driver opens it to claim a CID: a device node without its module loaded does not count. */
    private static Item vhostVsock() {
        try (VhostVsock.Instance device = new LinuxVhostVsock(LinuxVhostVsock.DEVICE).open()) {
            return new Item("vhost-vsock", Status.OK, LinuxVhostVsock.DEVICE + ": guests get a vsock device");
        } catch (IOException e) {
            return new Item(
                    "vhost-vsock",
                    Status.DEGRADED,
                    e.getMessage() + ": the agent channel is virtio-serial"
                            + " (works; for vsock run `modprobe vhost_vsock` and give this user access)");
        }
    }

    static HostCheck run(HypervisorConfig config, Path hostCache) {
        List<Item> items = new ArrayList<>();
        Item qemu = qemuVersion(config.qemuBinary());
        items.add(qemu);
        items.add(readable("guest kernel", "hypervisor.kernel", config.kernel()));
        items.add(readable("guest initrd", "hypervisor.initrd", config.initrd()));
        if (config.bios() != null) {
            items.add(readable("firmware", "hypervisor.bios", config.bios()));
        }
        boolean canBoot = items.stream().allMatch(i -> i.status() != Status.MISSING);
        items.add(accelerator(config, hostCache, canBoot));
        items.add(vhostVsock());
        return new HostCheck(items);
    }

    private static Item qemuVersion(Path binary) {
        if (!Files.isExecutable(binary)) {
            return new Item(
                    "QEMU",
                    Status.MISSING,
                    binary + " is not an executable: install QEMU (Debian:"
                            + " apt-get install qemu-system-x86) or set hypervisor.qemuBinary");
        }
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Item(
                        "QEMU",
                        Status.MISSING,
                        binary + " --version did not answer in " + VERSION_TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                return new Item("QEMU", Status.MISSING, binary + " does not say which QEMU it is: " + out.strip());
            }
            String version = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : m.group(3));
            if (Integer.parseInt(m.group(1)) < MIN_MAJOR) {
                return new Item(
                        "QEMU",
                        Status.MISSING,
                        "QEMU " + version + " at " + binary + " is too old: " + MIN_MAJOR + ".0 or later is needed");
            }
            return new Item("QEMU", Status.OK, "QEMU " + version + " at " + binary);
        } catch (IOException e) {
            return new Item("QEMU", Status.MISSING, "cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Item("QEMU", Status.MISSING, "interrupted while asking " + binary + " its version");
        }
    }

    private static Item readable(String what, String field, Path file) {
        if (file != null && Files.isRegularFile(file) && Files.isReadable(file)) {
            return new Item(what, Status.OK, file.toString());
        }
        return new Item(
                what,
                Status.MISSING,
                (file == null ? "not set" : file + " is not a readable file")
                        + ": build the guest image (make image) or set " + field);
    }

    private static Item accelerator(HypervisorConfig config, Path hostCache, boolean canBoot) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return new Item(
                    "KVM",
                    Status.DEGRADED,
                    "no /dev/kvm: VMs run under TCG, many times slower (enable"
                            + " virtualization in the firmware and load kvm_intel or kvm_amd)");
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return new Item(
                    "KVM",
                    Status.DEGRADED,
                    "/dev/kvm is not readable and writable by this user: VMs run"
                            + " under TCG (add the user to the kvm group)");
        }
        if (!canBoot) {
            return new Item("KVM", Status.DEGRADED, "/dev/kvm present, not tried: QEMU or the guest image is missing");
        }
        HypervisorConfig auto = config.toBuilder().accelerator(Accelerator.AUTO).build();
        return AcceleratorProbe.resolve(auto, hostCache) == Accelerator.KVM
                ? new Item("KVM", Status.OK, "a probe boot of the guest kernel works under KVM")
                : new Item(
                        "KVM",
                        Status.DEGRADED,
                        "/dev/kvm opens but the guest kernel does not boot with it"
                                + " (a nested or paravirtual KVM?): VMs run under TCG");
    }
}
