package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorException;
import dev.vc4j.spi.VmRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The QEMU a run directory's VM runs as, written the moment it is launched: the engine records the VM only
 * once its agent answered, seconds later, and a JVM killed in between must not leave a QEMU nobody knows of.
 * Removed with the VM's other live files ({@link RunFiles#removeLiveFiles}).
 *
 * <p>Written atomically (temp file, rename) but not fsynced: it lives on the run path, a tmpfs, and the QEMU it
 * names does not survive the host crash that would lose it.
 */
final class LaunchRecord {
    /** Far above the few dozen bytes written: anything longer is not ours. */
    private static final long MAX_BYTES = 4096;

    private LaunchRecord() {}

    static void write(RunFiles files, VmRecord launched) {
        Path file = files.launchRecord();
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            byte[] content = QemuJson.MAPPER.writeValueAsBytes(QemuJson.object()
                    .put("pid", launched.pid())
                    .put("startTime", launched.startTime())
                    .put("accelerator", launched.accelerator().name()));
            Files.write(temp, content);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new HypervisorException("cannot record the launched QEMU in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The VM the file names; empty when there is none, or it is unreadable (then nothing is killed). */
    static Optional<VmRecord> read(RunFiles files) {
        Path file = files.launchRecord();
        try {
            if (Files.size(file) > MAX_BYTES) {
                return Optional.empty();
            }
            JsonNode node = QemuJson.MAPPER.readTree(Files.readAllBytes(file));
            if (!node.path("pid").canConvertToLong()
                    || !node.path("startTime").canConvertToLong()
                    || !node.path("accelerator").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new VmRecord(
                    node.get("pid").asLong(),
                    node.get("startTime").asLong(),
                    Accelerator.valueOf(node.get("accelerator").asText())));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // none (NoSuchFileException), or not one we wrote
        }
    }
}
