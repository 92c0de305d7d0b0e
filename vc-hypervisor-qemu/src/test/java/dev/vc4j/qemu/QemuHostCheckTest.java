package dev.vc4j.qemu;

import dev.vc4j.HostCheck;
import dev.vc4j.HypervisorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host check on this machine: Debian's QEMU, no vhost-vsock; the guest image as the test makes it. */
class QemuHostCheckTest {
    @TempDir
    Path dir;

    private HypervisorConfig config(Path kernel, Path initrd) {
        return HypervisorConfig.builder()
                .kernel(kernel)
                .initrd(initrd)
                .bios(null)
                .build();
    }

    private static HostCheck.Item item(HostCheck check, String what) {
        return check.items().stream()
                .filter(i -> i.what().equals(what))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void qemuIsFoundWithItsVersionAndAMissingKernelSaysWhatToDo() throws Exception {
        Path initrd = Files.writeString(dir.resolve("initrd.img"), "x");
        HostCheck check = QemuHostCheck.run(config(dir.resolve("no-vmlinux"), initrd), dir);

        HostCheck.Item qemu = item(check, "QEMU");
        assertEquals(HostCheck.Status.OK, qemu.status());
        assertTrue(qemu.detail().matches("QEMU \\d+\\.\\d+(\\.\\d+)? at /usr/bin/qemu-system-x86_64"), qemu.detail());

        HostCheck.Item kernel = item(check, "guest kernel");
        assertEquals(HostCheck.Status.MISSING, kernel.status());
        assertTrue(
                kernel.detail().contains(dir.resolve("no-vmlinux").toString())
                        && kernel.detail().contains("hypervisor.kernel"),
                kernel.detail());
        assertEquals(HostCheck.Status.OK, item(check, "guest initrd").status());
        assertFalse(check.canRun());
        assertTrue(check.report().contains("[missing ] guest kernel: "), check.report());
    }

    @Test
    void aMissingQemuBinaryIsReportedWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        HypervisorConfig config = config(file, file).toBuilder()
                .qemuBinary(dir.resolve("qemu-nope"))
                .build();
        HostCheck.Item qemu = item(QemuHostCheck.run(config, dir), "QEMU");
        assertEquals(HostCheck.Status.MISSING, qemu.status());
        assertTrue(qemu.detail().contains("hypervisor.qemuBinary"), qemu.detail());
    }

    @Test
    void whatThisHostLacksIsDegradedNotMissing() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        HostCheck check = QemuHostCheck.run(config(file, file), dir);
        // this machine: no vhost-vsock; KVM present or not, VMs still run
        HostCheck.Item vsock = item(check, "vhost-vsock");
        assertEquals(
                Files.isWritable(Path.of("/dev/vhost-vsock")) ? HostCheck.Status.OK : HostCheck.Status.DEGRADED,
                vsock.status());
        assertTrue(check.canRun(), check.report());
        HostCheck.Item kvm = item(check, "KVM");
        assertTrue(kvm.status() == HostCheck.Status.OK || kvm.detail().contains("TCG"), check.report());
    }
}
