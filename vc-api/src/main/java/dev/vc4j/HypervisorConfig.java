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
        Duration startTimeout) {

    public static final Duration KVM_START_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration TCG_START_TIMEOUT = Duration.ofSeconds(60);

    public HypervisorConfig {
        kernelParams = List.copyOf(kernelParams == null ? List.of() : kernelParams);
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
        for (String param : kernelParams) {
            if (param.isBlank() || param.chars().anyMatch(c -> c <= ' ')) {
                throw new InvalidConfigException(prefix + ".kernelParams", param,
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

        public HypervisorConfig build() {
            return new HypervisorConfig(qemuBinary, kernel, initrd, bios, kernelParams, memoryMib, vcpus,
                    accelerator, startTimeout);
        }
    }
}
