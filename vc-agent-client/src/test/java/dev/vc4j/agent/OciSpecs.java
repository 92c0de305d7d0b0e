package dev.vc4j.agent;

import dev.vc4j.oci.Linux;
import dev.vc4j.oci.LinuxMemory;
import dev.vc4j.oci.LinuxNamespace;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.oci.Mount;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;
import dev.vc4j.oci.User;

import java.util.List;

/**
 * Minimal OCI runtime specs for tests that talk to the agent directly: new pid, mount, ipc and uts namespaces,
 * /proc, /dev and /dev/pts, the guest's network, root as root. Enough for a busybox container; the engine builds
 * the full spec from a container's configuration.
 */
public final class OciSpecs {
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private OciSpecs() {
    }

    /** A process object: {@code args} run as root in {@code /} with a default PATH. */
    public static OciProcess process(boolean terminal, List<String> args) {
        return OciProcess.builder().terminal(terminal).user(User.builder().uid(0L).gid(0L).build()).args(args)
                .env(PATH, "TERM=xterm").cwd("/").noNewPrivileges(true).build();
    }

    /**
     * A config.json whose root is {@code rootfs} (where the agent mounts it), in cgroup {@code /vc4j/<id>}, with a
     * memory limit when {@code memoryLimitBytes > 0}.
     */
    public static Spec container(String id, boolean terminal, long memoryLimitBytes, List<String> args) {
        LinuxResources resources = memoryLimitBytes > 0
                ? LinuxResources.builder().memory(LinuxMemory.builder().limit(memoryLimitBytes).swap(memoryLimitBytes)
                        .build()).build()
                : null;
        return Spec.builder().ociVersion("1.0.2").process(process(terminal, args))
                .root(Root.builder().path("rootfs").readonly(false).build()).hostname(id)
                .mounts(mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
                        mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                        mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                "mode=0620"),
                        mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777"))
                .linux(Linux.builder().namespaces(LinuxNamespace.of(LinuxNamespace.PID),
                        LinuxNamespace.of(LinuxNamespace.MOUNT), LinuxNamespace.of(LinuxNamespace.IPC),
                        LinuxNamespace.of(LinuxNamespace.UTS)).cgroupsPath("/vc4j/" + id).resources(resources).build())
                .build();
    }

    private static Mount mount(String destination, String type, String source, String... options) {
        return Mount.builder().destination(destination).type(type).source(source).options(options).build();
    }
}
