package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Which JVM a pool slot belongs to, written in the slot as it is made: a JVM killed with SIGKILL runs no exit
 * hook, and its pooled QEMUs (paused, never part of a sandbox) would run on with no record that cleanup() reads.
 * A slot whose owner no longer runs is reaped by any JVM's drain: its QEMU (named by the slot's launch record,
 * pid with start time) is killed and its directory removed.
 */
final class PoolOwners {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final String OWNER_FILE = "owner";
    /** Far above the two numbers written: anything longer is not ours. */
    private static final long MAX_BYTES = 64;
    /** A slot with no owner yet is being made, unless it is older than this (its maker died at that moment). */
    private static final Duration UNOWNED_GRACE = Duration.ofSeconds(60);

    private static final long PID = ProcessHandle.current().pid();
    private static final String SELF =
            PID + " " + ProcessIdentity.startTime(PID).orElse(0);

    private PoolOwners() {}

    /** This JVM's pid, which names its slots apart from other JVMs' slots under the same root. */
    static long pid() {
        return PID;
    }

    /** Records this JVM as the owner of the slot {@code dir}. */
    static void own(Path dir) {
        try {
            Files.writeString(dir.resolve(OWNER_FILE), SELF, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new HypervisorException("cannot record the owner of the pooled VM's directory " + dir, e);
        }
    }

    /**
     * Kills the pooled QEMUs of the slots under {@code root} whose JVM is gone, and of this JVM's own where
     * {@code ownToo} (its pool holds none any more: a refill cut short by the drain's interrupt can leave its
     * slot behind), and removes those slots.
     */
    static void reap(Path root, boolean ownToo) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : slots) {
                if (orphaned(dir) || (ownToo && owned(dir))) {
                    reap(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the VM pool's directory {}: {}", root, e.getMessage());
        }
    }

    private static boolean owned(Path dir) {
        try {
            return Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.US_ASCII)
                    .equals(SELF);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean orphaned(Path dir) throws IOException {
        String owner;
        try {
            Path file = dir.resolve(OWNER_FILE);
            if (Files.size(file) > MAX_BYTES) {
                return true;
            }
            owner = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            FileTime made = Files.getLastModifiedTime(dir);
            return made.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
        }
        String[] fields = owner.strip().split(" ");
        try {
            return fields.length != 2
                    || !ProcessIdentity.isRunning(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static void reap(Path dir) {
        PoolSlot slot = PoolSlot.existing(dir);
        RunFiles files = new RunFiles(slot.runDir());
        try {
            LaunchRecord.read(files)
                    .flatMap(r -> QemuProcess.attach(r.pid(), r.startTime(), files.qemuLog(), files.consoleLog()))
                    .ifPresent(qemu -> {
                        LOG.info("killing QEMU pid {}, pooled by a JVM that is gone", qemu.pid());
                        qemu.kill();
                    });
            files.removeLiveFiles();
            slot.remove();
        } catch (RuntimeException e) {
            LOG.warn("cannot reap the pooled VM in {}: {}", dir, e.getMessage());
        }
    }
}
