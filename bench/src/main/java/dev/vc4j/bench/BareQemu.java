package dev.vc4j.bench;

import dev.vc4j.Accelerator;
import dev.vc4j.GuestImage;
import dev.vc4j.HypervisorConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** QEMU with the guest image and nothing vc4j adds: the VM under the benchmarks' baselines. */
final class BareQemu {
    private BareQemu() {}

    /**
     * The argv up to the devices a baseline adds: {@code vcpus} CPUs on {@code accel}, the config's memory and
     * firmware, the image with {@code initParams} for its init, the guest console into {@code console}.
     */
    static List<String> argv(HypervisorConfig hv, Accelerator accel, int vcpus, String initParams, Path console) {
        List<String> argv = new ArrayList<>(List.of(
                hv.qemuBinary().toString(),
                "-machine",
                "q35",
                "-accel",
                accel == Accelerator.KVM ? "kvm" : "tcg,thread=multi",
                "-cpu",
                accel == Accelerator.KVM ? "host" : "max",
                "-m",
                hv.memoryMib() + "M",
                "-smp",
                Integer.toString(vcpus),
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-no-reboot",
                "-kernel",
                GuestImage.locate().kernel().toString(),
                "-initrd",
                GuestImage.locate().initrd().toString(),
                "-append",
                "console=ttyS0 quiet panic=1 " + initParams,
                "-serial",
                "file:" + console));
        if (hv.bios() != null) {
            argv.addAll(List.of("-bios", hv.bios().toString()));
        }
        return argv;
    }
}
