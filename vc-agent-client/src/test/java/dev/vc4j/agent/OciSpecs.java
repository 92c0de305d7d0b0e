package dev.vc4j.agent;

import dev.vc4j.oci.LinuxMemory;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;
import dev.vc4j.oci.User;

import java.util.List;

/**
 * Minimal OCI runtime specs for tests that talk to the agent directly: {@link Spec#defaults}, the guest's network,
 * root as root. Enough for a busybox container; the engine builds the full spec from a container's configuration.
 */
public final class OciSpecs {
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private OciSpecs() {}

    /** A process object: {@code args} run as root in {@code /} with a default PATH. */
    public static OciProcess process(boolean terminal, List<String> args) {
        return OciProcess.builder()
                .terminal(terminal)
                .user(User.builder().uid(0L).gid(0L).build())
                .args(args)
                .env(PATH, "TERM=xterm")
                .cwd("/")
                .noNewPrivileges(true)
                .build();
    }

    /**
     * A config.json whose root is {@code rootfs} (where the agent mounts it), in cgroup {@code /vc4j/<id>}, with a
     * memory limit when {@code memoryLimitBytes > 0}.
     */
    public static Spec container(String id, boolean terminal, long memoryLimitBytes, List<String> args) {
        LinuxResources resources = memoryLimitBytes > 0
                ? LinuxResources.builder()
                        .memory(LinuxMemory.builder()
                                .limit(memoryLimitBytes)
                                .swap(memoryLimitBytes)
                                .build())
                        .build()
                : null;
        Spec defaults = Spec.defaults(id);
        return defaults.toBuilder()
                .process(process(terminal, args))
                .root(Root.builder().path("rootfs").readonly(false).build())
                .linux(defaults.linux().toBuilder()
                        .cgroupsPath("/vc4j/" + id)
                        .resources(resources)
                        .build())
                .build();
    }
}
