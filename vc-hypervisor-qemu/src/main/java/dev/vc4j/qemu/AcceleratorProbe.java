package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides between KVM and TCG by trying: a /dev/kvm that opens is no proof, since on hosts with a
 * paravirtual KVM a stock kernel hangs. The probe boots the guest kernel with {@code vc4j.probe=1}, which
 * makes the guest's init print a marker and power off. The answer is cached per host (until reboot) and
 * per kernel file. Falling back to TCG is a warning once per JVM, then a debug line per VM.
 */
final class AcceleratorProbe {
    static final String MARKER = "vc4j-init: probe-ok";
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicBoolean FALLBACK_TOLD = new AtomicBoolean();

    private AcceleratorProbe() {}

    static Accelerator resolve(HypervisorConfig config, Path hostCache) {
        if (config.accelerator() != Accelerator.AUTO) {
            return config.accelerator();
        }
        if (!kvmDeviceUsable()) {
            return fallBack("/dev/kvm is missing or not readable and writable");
        }
        Path cache = hostCache.resolve("kvm-probe-" + cacheKey(config.qemuBinary(), config.kernel()));
        try {
            if (Files.exists(cache)) {
                return told(Accelerator.valueOf(Files.readString(cache).strip()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable cache is probed again
        }
        Accelerator answer = bootsWithKvm(config, hostCache) ? Accelerator.KVM : Accelerator.TCG;
        try {
            Files.createDirectories(hostCache);
            Files.writeString(cache, answer.name(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            // without a cache the next sandbox probes again: slower, still right
        }
        return told(answer);
    }

    /** The probe's answer, cached or new; a TCG answer is a fallback. */
    private static Accelerator told(Accelerator probed) {
        return probed == Accelerator.KVM
                ? probed
                : fallBack("a probe boot under KVM did not reach the guest's init within " + PROBE_TIMEOUT.toMillis()
                        + " ms");
    }

    private static Accelerator fallBack(String reason) {
        String line = "KVM is not usable ({}): the guest runs under TCG, several times slower";
        if (FALLBACK_TOLD.compareAndSet(false, true)) {
            LOG.warn(line, reason);
        } else {
            LOG.debug(line, reason);
        }
        return Accelerator.TCG;
    }

    private static boolean kvmDeviceUsable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    private static String cacheKey(Path qemu, Path kernel) {
        try {
            FileTime modified = Files.getLastModifiedTime(kernel);
            String id = qemu.toAbsolutePath() + ":" + kernel.toAbsolutePath() + ":" + Files.size(kernel) + ":"
                    + modified.toMillis();
            return Integer.toHexString(id.hashCode());
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean bootsWithKvm(HypervisorConfig config, Path hostCache) {
        Path console;
        try {
            Files.createDirectories(hostCache);
            console = Files.createTempFile(hostCache, "kvm-probe-", ".log");
        } catch (IOException e) {
            return false;
        }
        QemuProcess qemu = QemuProcess.launch(
                QemuConfinement.launchArgv(QemuCommandLine.forProbe(config, Accelerator.KVM, console)),
                console,
                console);
        try {
            qemu.waitFor(PROBE_TIMEOUT);
            return Files.readString(console, StandardCharsets.ISO_8859_1).contains(MARKER);
        } catch (IOException e) {
            return false;
        } finally {
            if (qemu.isAlive()) {
                qemu.kill();
            }
            try {
                Files.deleteIfExists(console);
            } catch (IOException ignored) {
                // a stray probe log in the host cache directory is harmless
            }
        }
    }
}
