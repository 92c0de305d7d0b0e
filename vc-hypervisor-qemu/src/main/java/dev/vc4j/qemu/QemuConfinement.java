package dev.vc4j.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sandbox's QEMU may do beyond its seccomp filter. Where the JVM is root (the README's set-up), QEMU
 * would be root with every capability: it starts through util-linux's {@code setpriv}, which keeps only the
 * file capabilities that serving a rootfs over 9p needs (reading and writing files of any owner, setting their
 * owner, mode and times) and execs QEMU, so the pid recorded is QEMU's own. A sandbox's QEMU also gets a mount
 * namespace of its own, in which it sees only the host files it needs ({@link QemuView}). Without root QEMU runs as the
 * JVM's user with no capability, as before, and nothing is added.
 */
final class QemuConfinement {
    /** The capabilities a root QEMU keeps, as setpriv names them. */
    static final List<String> KEPT_CAPABILITIES =
            List.of("chown", "dac_override", "dac_read_search", "fowner", "fsetid");

    private static final boolean ROOT = ownerOfProcIsRoot();

    private QemuConfinement() {}

    /** Whether QEMU starts as root, and so is confined here. */
    static boolean privileged() {
        return ROOT;
    }

    /** {@code qemuArgv} as it is started on this host. */
    static List<String> launchArgv(List<String> qemuArgv) {
        return ROOT ? confined(qemuArgv) : qemuArgv;
    }

    /**
     * {@code qemuArgv} as a sandbox's QEMU is started: as root, in a mount namespace of its own whose mounts are
     * slaves of the host's, so that the container rootfs binds the host makes in the shared directory later
     * reach it, and in which it sees only {@code view}. unshare needs CAP_SYS_ADMIN, so it comes before setpriv
     * drops it; each wrapper execs the next.
     */
    static List<String> launchArgv(List<String> qemuArgv, QemuView view) {
        if (!ROOT) {
            return qemuArgv;
        }
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "slave", "--"));
        argv.addAll(view.build(confined(qemuArgv)));
        return argv;
    }

    /**
     * setpriv with an emptied inheritable set and a bounding set of the kept capabilities: root's capabilities
     * after the exec are those of its bounding set. no_new_privs: nothing QEMU could exec would gain more.
     */
    static List<String> confined(List<String> qemuArgv) {
        List<String> argv = new ArrayList<>(List.of(
                "setpriv",
                "--inh-caps=-all",
                "--ambient-caps=-all",
                "--bounding-set=-all,"
                        + String.join(
                                ",",
                                KEPT_CAPABILITIES.stream().map(c -> "+" + c).toList()),
                "--no-new-privs",
                "--"));
        argv.addAll(qemuArgv);
        return argv;
    }

    /**
     * How a volume is shared. A root QEMU keeps the owners, modes and device nodes the guest sets in extended
     * attributes (mapped-xattr), so the guest can make no setuid-root file and no device on the host; one that
     * runs as the JVM's user makes files that user could make anyway, and keeps the host's symbolic links
     * readable (mapped-xattr cannot open them).
     */
    static String volumeSecurityModel(boolean privileged) {
        return privileged ? "mapped-xattr" : "none";
    }

    private static boolean ownerOfProcIsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
