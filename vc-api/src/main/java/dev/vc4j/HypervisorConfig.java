package dev.vc4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the sandbox's VM is built. {@code startTimeout} null means the default for the accelerator in use
 * (10 s under KVM, 60 s under TCG); {@code bios} null means QEMU's own firmware.
 *
 * <p>Hotplug room is reserved at boot, since QEMU cannot add it later: {@code hotplugRootPorts} empty PCIe
 * root ports (one per hotplugged virtio-blk drive), up to {@code maxVcpus} CPUs and {@code maxMemoryMib} of
 * memory in {@code memorySlots} DIMMs. {@code maxMemoryMib} equal to {@code memoryMib} reserves no memory
 * hotplug.
 *
 * <p>{@code vsock} decides whether the VM also gets a vsock device, which the agent client then uses instead of
 * the virtio-serial port.
 */
public record HypervisorConfig(
        Path qemuBinary,
        Path kernel,
        Path initrd,
        Path bios,
        List<String> kernelParams,
        int memoryMib,
        int vcpus,
        Accelerator accelerator,
        Duration startTimeout,
        int hotplugRootPorts,
        int maxVcpus,
        int maxMemoryMib,
        int memorySlots,
        BlockDriver blockDriver,
        VsockMode vsock) {

    public static final int MAX_ROOT_PORTS = 24;
    /** Memory is hot-added and removed in multiples of this: Linux on x86-64 onlines it in 128 MiB blocks. */
    public static final int MEMORY_BLOCK_MIB = 128;

    public static final Duration KVM_START_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration TCG_START_TIMEOUT = Duration.ofSeconds(60);

    public HypervisorConfig {
        kernelParams = List.copyOf(kernelParams == null ? List.of() : kernelParams);
        // configs stored before the option existed
        vsock = vsock == null ? VsockMode.AUTO : vsock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static HypervisorConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.qemuBinary = qemuBinary;
        b.kernel = kernel;
        b.initrd = initrd;
        b.bios = bios;
        b.kernelParams.addAll(kernelParams);
        b.memoryMib = memoryMib;
        b.vcpus = vcpus;
        b.accelerator = accelerator;
        b.startTimeout = startTimeout;
        b.hotplugRootPorts = hotplugRootPorts;
        b.maxVcpus = maxVcpus;
        b.maxMemoryMib = maxMemoryMib;
        b.memorySlots = memorySlots;
        b.blockDriver = blockDriver;
        b.vsock = vsock;
        return b;
    }

    /** The start timeout in force once the accelerator is known. */
    public Duration startTimeoutFor(Accelerator inUse) {
        if (startTimeout != null) {
            return startTimeout;
        }
        return inUse == Accelerator.KVM ? KVM_START_TIMEOUT : TCG_START_TIMEOUT;
    }

    /** Checks what can be checked before anything is created; throws naming the field under {@code prefix}. */
    public void validate(String prefix) {
        requireReadableFile(prefix + ".qemuBinary", qemuBinary, true);
        requireReadableFile(prefix + ".kernel", kernel, false);
        requireReadableFile(prefix + ".initrd", initrd, false);
        if (bios != null) {
            requireReadableFile(prefix + ".bios", bios, false);
        }
        if (memoryMib < 64 || memoryMib > 1 << 20) {
            throw new InvalidConfigException(prefix + ".memoryMib", memoryMib, "must be between 64 and 1048576");
        }
        if (vcpus < 1 || vcpus > 255) {
            throw new InvalidConfigException(prefix + ".vcpus", vcpus, "must be between 1 and 255");
        }
        if (startTimeout != null && (startTimeout.isNegative() || startTimeout.isZero())) {
            throw new InvalidConfigException(prefix + ".startTimeout", startTimeout, "must be positive");
        }
        // q35 has 32 slots on its root bus; the ports, the boot devices and the chipset share them
        if (hotplugRootPorts < 0 || hotplugRootPorts > MAX_ROOT_PORTS) {
            throw new InvalidConfigException(
                    prefix + ".hotplugRootPorts", hotplugRootPorts, "must be between 0 and " + MAX_ROOT_PORTS);
        }
        if (maxVcpus < vcpus || maxVcpus > 255) {
            throw new InvalidConfigException(
                    prefix + ".maxVcpus", maxVcpus, "must be between vcpus (" + vcpus + ") and 255");
        }
        if (maxMemoryMib < memoryMib || maxMemoryMib > 1 << 20) {
            throw new InvalidConfigException(
                    prefix + ".maxMemoryMib",
                    maxMemoryMib,
                    "must be between memoryMib (" + memoryMib + ") and 1048576");
        }
        if (memorySlots < 0 || memorySlots > 255 || (memorySlots == 0 && maxMemoryMib > memoryMib)) {
            throw new InvalidConfigException(
                    prefix + ".memorySlots",
                    memorySlots,
                    "must be between 1 and 255 when maxMemoryMib exceeds memoryMib, else between 0 and 255");
        }
        if (blockDriver == null) {
            throw new InvalidConfigException(prefix + ".blockDriver", null, "is required");
        }
        for (String param : kernelParams) {
            if (param.isBlank() || param.chars().anyMatch(c -> c <= ' ')) {
                throw new InvalidConfigException(
                        prefix + ".kernelParams",
                        param,
                        "a kernel parameter must be one word without spaces or control characters");
            }
        }
    }

    private static void requireReadableFile(String field, Path path, boolean executable) {
        if (path == null) {
            throw new InvalidConfigException(field, null, "is required");
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidConfigException(field, path, "no such file");
        }
        if (!Files.isReadable(path) || (executable && !Files.isExecutable(path))) {
            throw new InvalidConfigException(field, path, executable ? "not executable" : "not readable");
        }
    }

    public static final class Builder {
        private Path qemuBinary = Path.of("/usr/bin/qemu-system-x86_64");
        private Path kernel;
        private Path initrd;
        private Path bios = GuestImage.defaultBios();
        private final List<String> kernelParams = new ArrayList<>();
        private int memoryMib = 512;
        private int vcpus = 1;
        private Accelerator accelerator = Accelerator.AUTO;
        private Duration startTimeout;
        private int hotplugRootPorts = 8;
        private Integer maxVcpus;
        private Integer maxMemoryMib;
        private int memorySlots = 8;
        private BlockDriver blockDriver = BlockDriver.VIRTIO_BLK;
        private VsockMode vsock = VsockMode.AUTO;

        private Builder() {
            GuestImage image = GuestImage.locate();
            kernel = image.kernel();
            initrd = image.initrd();
        }

        public Builder qemuBinary(Path qemuBinary) {
            this.qemuBinary = qemuBinary;
            return this;
        }

        public Builder kernel(Path kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder initrd(Path initrd) {
            this.initrd = initrd;
            return this;
        }

        /** The firmware; null for QEMU's default. */
        public Builder bios(Path bios) {
            this.bios = bios;
            return this;
        }

        public Builder kernelParam(String param) {
            kernelParams.add(Objects.requireNonNull(param, "param"));
            return this;
        }

        public Builder memoryMib(int memoryMib) {
            this.memoryMib = memoryMib;
            return this;
        }

        public Builder vcpus(int vcpus) {
            this.vcpus = vcpus;
            return this;
        }

        public Builder accelerator(Accelerator accelerator) {
            this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Empty PCIe root ports for hotplugged drives (default 8). */
        public Builder hotplugRootPorts(int hotplugRootPorts) {
            this.hotplugRootPorts = hotplugRootPorts;
            return this;
        }

        /** The most CPUs the VM can have after hotplug; defaults to the larger of vcpus and 4. */
        public Builder maxVcpus(int maxVcpus) {
            this.maxVcpus = maxVcpus;
            return this;
        }

        /** The most memory the VM can have after hotplug; defaults to memoryMib + 2048. */
        public Builder maxMemoryMib(int maxMemoryMib) {
            this.maxMemoryMib = maxMemoryMib;
            return this;
        }

        /** How many memory DIMMs can be hotplugged (default 8). */
        public Builder memorySlots(int memorySlots) {
            this.memorySlots = memorySlots;
            return this;
        }

        public Builder blockDriver(BlockDriver blockDriver) {
            this.blockDriver = Objects.requireNonNull(blockDriver, "blockDriver");
            return this;
        }

        /** Whether the VM gets a vsock device for the agent (default AUTO: where the host has vhost-vsock). */
        public Builder vsock(VsockMode vsock) {
            this.vsock = Objects.requireNonNull(vsock, "vsock");
            return this;
        }

        public HypervisorConfig build() {
            return new HypervisorConfig(
                    qemuBinary,
                    kernel,
                    initrd,
                    bios,
                    kernelParams,
                    memoryMib,
                    vcpus,
                    accelerator,
                    startTimeout,
                    hotplugRootPorts,
                    maxVcpus != null ? maxVcpus : Math.max(vcpus, 4),
                    maxMemoryMib != null ? maxMemoryMib : memoryMib + 2048,
                    memorySlots,
                    blockDriver,
                    vsock);
        }
    }
}
