package dev.vc4j.qemu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files one VM keeps in its sandbox's run directory. */
record RunFiles(Path dir) {
    private static final String OVERLAY_SUFFIX = ".overlay.qcow2";

    Path controlSocket() {
        return dir.resolve("qmp-ctl.sock");
    }

    Path monitorSocket() {
        return dir.resolve("qmp-mon.sock");
    }

    Path agentSocket() {
        return dir.resolve("agent.sock");
    }

    Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    /** The QEMU launched for this directory, recorded before it answers (see {@link LaunchRecord}). */
    Path launchRecord() {
        return dir.resolve("qemu.launch");
    }

    /** Where QEMU offers the guest's serial console ({@link ConsoleRing} reads it). */
    Path consoleSocket() {
        return dir.resolve("console.sock");
    }

    /** The guest's serial console, its last 64 to 128 KiB. */
    Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** QEMU's own stdout and stderr. */
    Path qemuLog() {
        return dir.resolve("qemu.log");
    }

    /** Where the guest's writes to the drive of block node {@code nodeName} go when they are thrown away. */
    Path overlay(String nodeName) {
        return dir.resolve(nodeName + OVERLAY_SUFFIX);
    }

    /** Where the host stages the files it brings into a confined QEMU's view ({@link QemuView#reach}). */
    Path reachDir() {
        return dir.resolve("reach");
    }

    void removeOverlay(String nodeName) {
        try {
            Files.deleteIfExists(overlay(nodeName));
        } catch (IOException ignored) {
            // the sandbox's delete removes the whole directory
        }
    }

    /** Removes what only makes sense while QEMU runs; the logs stay for diagnosis until the sandbox is deleted. */
    void removeLiveFiles() {
        for (Path p :
                new Path[] {controlSocket(), monitorSocket(), agentSocket(), consoleSocket(), pidFile(), launchRecord()
                }) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the sandbox's delete removes the whole directory; a leftover here is not worth failing for
            }
        }
        QemuView.closeReach(this);
        // the guest's throw-away writes end with its VM
        try (DirectoryStream<Path> overlays = Files.newDirectoryStream(dir, "*" + OVERLAY_SUFFIX)) {
            for (Path p : overlays) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // as above
        }
    }

    void removeAll() {
        removeLiveFiles();
        for (Path p : new Path[] {consoleLog(), qemuLog()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // as above
            }
        }
    }
}
