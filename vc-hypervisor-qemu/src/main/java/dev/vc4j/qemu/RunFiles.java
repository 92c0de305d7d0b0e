package dev.vc4j.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files one VM keeps in its sandbox's run directory. */
record RunFiles(Path dir) {
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

    /** Removes what only makes sense while QEMU runs; the logs stay for diagnosis until the sandbox is deleted. */
    void removeLiveFiles() {
        for (Path p : new Path[] {controlSocket(), monitorSocket(), agentSocket(), consoleSocket(), pidFile()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the sandbox's delete removes the whole directory; a leftover here is not worth failing for
            }
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
