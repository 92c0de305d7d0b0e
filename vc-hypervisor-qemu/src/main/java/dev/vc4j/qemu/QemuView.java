package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.HypervisorException;
import dev.vc4j.Volume;
import dev.vc4j.spi.HostCommand;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host files a confined QEMU sees: a root of its own (a small tmpfs, read-only once built) holding the
 * programs' directories, the device nodes it opens, the sandbox's run directory and each file or directory it is
 * given (kernel, initrd, firmware, volumes, drives, sockets), bound at the paths it knows them by. Everything else
 * (/root, /home, /tmp, /var, the rest of /run and /etc, the host's other device nodes) is not there. A drive
 * plugged later whose file QEMU cannot see is bound into the view first, see {@link #reach}.
 */
final class QemuView {
    /** What QEMU and the programs that exec it (sh, mount, setpriv) load: their binaries, libraries, firmware. */
    private static final List<Path> SYSTEM = List.of(
            Path.of("/usr"),
            Path.of("/bin"),
            Path.of("/sbin"),
            Path.of("/lib"),
            Path.of("/lib64"),
            Path.of("/lib32"),
            Path.of("/libx32"),
            Path.of("/etc/ld.so.cache"),
            Path.of("/sys"));

    /** The nodes every QEMU opens: the null devices and the entropy sources. */
    private static final List<Path> BASE_DEVICES = List.of(
            Path.of("/dev/null"),
            Path.of("/dev/zero"),
            Path.of("/dev/full"),
            Path.of("/dev/random"),
            Path.of("/dev/urandom"));

    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Run by dash in QEMU's new mount namespace, before setpriv: $1 is the run directory's real path, $2 the path
     * QEMU is given it by, then pairs of a mode (ro, rw, link) and a path, then {@code --} and setpriv's argv. The
     * root is built on the run directory's parent, which also hides the other sandboxes' run directories while it
     * is built. The run directory is held open and bound back from the descriptor (its name leads into the tmpfs
     * by then). A path is bound where QEMU will look for it, its missing parents made in the tmpfs; a link (/bin
     * on a merged-usr host) is copied as a link. pivot_root makes the tmpfs the root and the old root is detached;
     * each step execs the next, so QEMU keeps the pid. Every path comes as an argument, never as script text.
     */
    private static final String BUILD = String.join(
            "\n",
            "PATH=/usr/sbin:/sbin:$PATH",
            "run=$1",
            "given=$2",
            "shift 2",
            "exec 3<\"$run\"",
            "v=${run%/*}",
            "mount -t tmpfs -o mode=0755,size=1m,nosuid,nodev,noexec vc4j-view \"$v\"",
            "while [ \"$1\" != -- ]; do",
            "  p=$2",
            "  t=$v$p",
            "  if [ \"$1\" = link ]; then mkdir -p \"${t%/*}/\"; ln -s \"$(readlink \"$p\")\" \"$t\"",
            "  else",
            "    if [ -d \"$p\" ]; then mkdir -p \"$t\"; else mkdir -p \"${t%/*}/\"; [ -e \"$t\" ] || : >\"$t\"; fi",
            "    if [ \"$1\" = rw ]; then mount --rbind \"$p\" \"$t\"; else mount --rbind -o ro \"$p\" \"$t\"; fi",
            "  fi",
            "  shift 2",
            "done",
            "shift",
            "for r in \"$run\" \"$given\"; do",
            "  if ! [ -d \"$v$r\" ]; then mkdir -p \"$v$r\"; mount --no-canonicalize --rbind /proc/self/fd/3 \"$v$r\"; fi",
            "done",
            "exec 3<&-",
            "mkdir \"$v/proc\"",
            "mount --rbind /proc \"$v/proc\"",
            "mount -o remount,ro \"$v\"",
            "cd \"$v\"",
            "pivot_root . .",
            "umount -l .",
            "cd /",
            "exec \"$@\"");

    /**
     * Run by dash in QEMU's mount namespace (nsenter): $1 is the path QEMU will open, $2 the file in the reach
     * directory that the host bound to what $1 names on the host (propagated here). Nothing to do where the view
     * shows that very file at $1 already; else it is bound there, in the view's root, made writable for that
     * moment only.
     */
    private static final String REACH = String.join(
            "\n",
            "p=$1",
            "s=$2",
            "[ \"$p\" -ef \"$s\" ] && exit 0",
            "mount -o remount,rw /",
            "r=0",
            "{ mkdir -p \"${p%/*}/\" && { [ -e \"$p\" ] || : >\"$p\"; } && mount --bind \"$s\" \"$p\"; } || r=$?",
            "mount -o remount,ro /",
            "exit $r");

    private static final AtomicLong STAGED = new AtomicLong();

    private final Path runDir;
    private final Path realRunDir;
    private final List<String> entries = new ArrayList<>();

    /** The system directories and base devices, and {@code runDir}. */
    QemuView(Path runDir) {
        this.runDir = runDir.toAbsolutePath().normalize();
        this.realRunDir = realPath(runDir);
        for (Path p : SYSTEM) {
            if (Files.isSymbolicLink(p)) {
                entries.addAll(List.of("link", p.toString()));
            } else if (Files.exists(p)) {
                entries.addAll(List.of("ro", p.toString()));
            }
        }
        BASE_DEVICES.forEach(this::device);
    }

    /** The view of a sandbox's QEMU started with {@code accel}, and a vsock device where {@code vsockCid} is set. */
    static QemuView forSandbox(VmSpec spec, Accelerator accel, OptionalLong vsockCid) {
        HypervisorConfig config = spec.config();
        QemuView view = new QemuView(spec.runDir());
        view.readOnly(config.qemuBinary()).readOnly(config.kernel()).readOnly(config.initrd());
        if (config.bios() != null) {
            view.readOnly(config.bios());
        }
        if (accel == Accelerator.KVM) {
            view.device(Path.of("/dev/kvm"));
        }
        if (vsockCid.isPresent()) {
            view.device(Path.of("/dev/vhost-vsock"));
        }
        for (NetworkEndpoint nic : spec.network()) {
            switch (nic.backend()) {
                case PASST -> view.readWrite(Path.of(nic.hostLink()));
                case TAP -> view.device(Path.of("/dev/net/tun")).device(Path.of("/dev/vhost-net"));
            }
        }
        for (Volume volume : spec.volumes()) {
            view.add(volume.readOnly() ? "ro" : "rw", volume.hostPath());
        }
        if (spec.sharedDir() != null) {
            view.readWrite(spec.sharedDir());
        }
        for (Drive drive : spec.drives()) {
            view.add(drive.readOnly() || drive.throwAwayWrites() ? "ro" : "rw", drive.path());
        }
        return view;
    }

    QemuView readOnly(Path path) {
        return add("ro", path);
    }

    QemuView readWrite(Path path) {
        return add("rw", path);
    }

    /** A host device node, where the host has it. */
    QemuView device(Path node) {
        return Files.exists(node) ? add("rw", node) : this;
    }

    /**
     * A path QEMU is given, bound where QEMU looks for it: one in the run directory is there already, and a bare
     * program name (QEMU found through the PATH) is in /usr. It must exist: a typo fails here, naming it.
     */
    private QemuView add(String mode, Path path) {
        if (!path.isAbsolute() && path.getNameCount() == 1) {
            return this;
        }
        Path given = path.toAbsolutePath().normalize();
        if (!given.startsWith(runDir) && !realPath(path).startsWith(realRunDir)) {
            entries.addAll(List.of(mode, given.toString()));
        }
        return this;
    }

    /** {@code setprivArgv} run in the view: the argv that follows unshare. */
    List<String> build(List<String> setprivArgv) {
        List<String> argv =
                new ArrayList<>(List.of("sh", "-ec", BUILD, "vc4j-view", realRunDir.toString(), runDir.toString()));
        argv.addAll(entries);
        argv.add("--");
        argv.addAll(setprivArgv);
        return argv;
    }

    /**
     * Makes the run directory's reach directory a shared mount, before QEMU starts: its copy in QEMU's mount
     * namespace is a slave of it, so what the host binds in it later shows there too (see {@link #reach}).
     */
    static void openReach(RunFiles files) {
        if (!QemuConfinement.privileged()) {
            return;
        }
        Path dir = files.reachDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HypervisorException("cannot make " + dir + ": " + e.getMessage(), e);
        }
        String at = dir.toString();
        reachCommand(List.of("mount", "--bind", "--make-shared", at, at));
    }

    /** Unmounts and removes the reach directory, with whatever a plug cut short left bound in it. */
    static void closeReach(RunFiles files) {
        Path dir = files.reachDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        reachCommand(List.of("sh", "-c", "! mountpoint -q \"$1\" || umount -R \"$1\"", "vc4j-reach", dir.toString()));
        try (DirectoryStream<Path> staged = Files.newDirectoryStream(dir)) {
            for (Path p : staged) {
                Files.delete(p);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new HypervisorException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code path} (a drive's file or block device) openable at that path by the QEMU of {@code pid}, before
     * it is asked to open it, where QEMU has a mount namespace other than this JVM's (a confined QEMU). A mount
     * cannot be bound from another namespace: the host binds the file in the reach directory, whence it propagates
     * into QEMU's namespace, where it is bound at its path; then the host's bind goes.
     */
    static void reach(long pid, RunFiles files, Path path) {
        if (!QemuConfinement.privileged() || sameMountNamespace(pid)) {
            return;
        }
        String target = path.toAbsolutePath().normalize().toString();
        // named apart from what another process, or one killed while it plugged, staged there
        Path staged =
                files.reachDir().resolve("staged-" + ProcessHandle.current().pid() + "-" + STAGED.incrementAndGet());
        try {
            Files.createFile(staged);
        } catch (IOException e) {
            throw new HypervisorException("cannot make " + staged + ": " + e.getMessage(), e);
        }
        try {
            reachCommand(List.of("mount", "--bind", target, staged.toString()));
            try {
                reachCommand(List.of(
                        "nsenter",
                        "--target",
                        Long.toString(pid),
                        "--mount",
                        "--",
                        "sh",
                        "-ec",
                        REACH,
                        "vc4j-reach",
                        target,
                        staged.toString()));
            } finally {
                reachCommand(List.of("umount", staged.toString()));
            }
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // closeReach removes it with the directory
            }
        }
    }

    private static void reachCommand(List<String> argv) {
        HostCommand.run(argv, REACH_TIMEOUT, HypervisorException::new);
    }

    private static boolean sameMountNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))
                    .equals(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/mnt")));
        } catch (IOException e) {
            throw new HypervisorException("cannot read the mount namespace of QEMU (pid " + pid + "): " + e, e);
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new HypervisorException("cannot resolve " + path + ", which QEMU is given: " + e.getMessage(), e);
        }
    }
}
