package dev.vc4j.internal;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerResources;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.oci.Hooks;
import dev.vc4j.oci.Linux;
import dev.vc4j.oci.LinuxCapabilities;
import dev.vc4j.oci.LinuxCpu;
import dev.vc4j.oci.LinuxMemory;
import dev.vc4j.oci.LinuxPids;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.oci.Mount;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;
import dev.vc4j.oci.State;
import dev.vc4j.oci.User;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI objects vc4j sends, made with the model: the spec (config.json) a container's guest runs, the process
 * object of an exec, the LinuxResources of an update, and the state a hook reads. The root is always
 * {@code rootfs}, where the guest agent mounts the container's root; the cgroup is {@code /vc4j/<id>}, where the
 * agent reads stats, processes and OOM kills.
 */
public final class OciSpec {
    /** The runtime-spec version of the state vc4j writes. */
    static final String VERSION = "1.0.2";
    /** Where the agent mounts a container's root, relative to its bundle in the guest. */
    public static final String GUEST_ROOT = "rootfs";

    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private OciSpec() {}

    /** Where vc4j keeps the container {@code id}'s cgroup in the guest. */
    public static String cgroupsPath(String id) {
        return "/vc4j/" + id;
    }

    /**
     * The spec the guest runs for {@code config}: its own spec (else vc4j's defaults: /proc, /dev, new pid,
     * mount, ipc and uts namespaces, the id as hostname), with the process of its cmd when it has one, vc4j's
     * root and cgroup, its annotations added, {@code delivered} (its host mounts as the guest sees them) after
     * the spec's own mounts, and {@code hooks} (those the guest runs) in place of the spec's.
     */
    static Spec container(ContainerConfig config, List<Mount> delivered, Hooks hooks) {
        Spec base = config.ociSpec() != null ? config.ociSpec() : Spec.defaults(config.id());
        List<Mount> mounts = new ArrayList<>(base.mounts() == null ? List.of() : base.mounts());
        mounts.addAll(delivered);
        Map<String, String> annotations = annotations(config);
        Linux linux = base.linux() == null ? Linux.builder().build() : base.linux();
        boolean readonly =
                base.root() != null && Boolean.TRUE.equals(base.root().readonly());
        return base.toBuilder()
                .process(config.cmd() != null ? process(config.cmd(), "cmd") : base.process())
                .root(Root.builder().path(GUEST_ROOT).readonly(readonly).build())
                .mounts(mounts)
                .annotations(annotations.isEmpty() ? null : annotations)
                .hooks(hooks)
                .linux(linux.toBuilder().cgroupsPath(cgroupsPath(config.id())).build())
                .build();
    }

    /** The annotations of the config's spec with the config's own added, as the guest and the hooks see them. */
    static Map<String, String> annotations(ContainerConfig config) {
        Map<String, String> all = new LinkedHashMap<>();
        if (config.ociSpec() != null && config.ociSpec().annotations() != null) {
            all.putAll(config.ociSpec().annotations());
        }
        all.putAll(config.annotations());
        return all;
    }

    /**
     * The OCI process object of {@code cmd}. Users and groups must be numbers: names would have to be looked
     * up in the container's image, which only the guest sees.
     */
    public static OciProcess process(Cmd cmd, String field) {
        List<Long> groups = new ArrayList<>();
        for (String g : cmd.supplementaryGroups()) {
            groups.add(number(field + ".supplementaryGroups", g));
        }
        List<String> env = new ArrayList<>();
        if (!cmd.env().containsKey("PATH")) {
            env.add(DEFAULT_PATH);
        }
        cmd.env().forEach((name, value) -> env.add(name + "=" + value));
        List<String> caps = cmd.capabilities();
        return OciProcess.builder()
                .terminal(cmd.tty())
                .user(User.builder()
                        .uid(number(field + ".user", cmd.user()))
                        .gid(number(field + ".primaryGroup", cmd.primaryGroup()))
                        .additionalGids(groups)
                        .build())
                .args(cmd.args())
                .env(env)
                .cwd(cmd.workdir() == null ? "/" : cmd.workdir().toString())
                .capabilities(LinuxCapabilities.builder()
                        .bounding(caps)
                        .effective(caps)
                        .permitted(caps)
                        .build())
                .noNewPrivileges(cmd.noNewPrivileges())
                .build();
    }

    /**
     * The OCI state of a sandbox or container, as its hooks get it on stdin: {@code pid} the VM's process for a
     * sandbox, the container's process in the guest for a container (0 when none runs).
     */
    static State state(String id, String status, long pid, Path bundle, Map<String, String> annotations) {
        return State.builder()
                .ociVersion(VERSION)
                .id(id)
                .status(status)
                .pid(pid)
                .bundle(bundle.toString())
                .annotations(annotations)
                .build();
    }

    /** The OCI LinuxResources object of {@code r}, with the fields it sets only. */
    public static LinuxResources resources(ContainerResources r) {
        LinuxMemory memory = LinuxMemory.builder()
                .limit(r.memoryLimitBytes())
                .reservation(r.memoryReservationBytes())
                .swap(r.memorySwapBytes())
                .build();
        LinuxCpu cpu = LinuxCpu.builder()
                .shares(r.cpuShares())
                .quota(r.cpuQuotaMicros())
                .period(r.cpuPeriodMicros())
                .cpus(r.cpusetCpus())
                .mems(r.cpusetMems())
                .build();
        LinuxPids pids = LinuxPids.builder().limit(r.pidsLimit()).build();
        return LinuxResources.builder()
                .memory(memory.equals(LinuxMemory.builder().build()) ? null : memory)
                .cpu(cpu.equals(LinuxCpu.builder().build()) ? null : cpu)
                .pids(pids.limit() == null ? null : pids)
                .build();
    }

    private static long number(String field, String value) {
        if (value == null) {
            return 0;
        }
        if (!value.matches("[0-9]{1,10}")) {
            throw new InvalidConfigException(field, value, "must be a number: names are not looked up in the image");
        }
        return Long.parseLong(value);
    }
}
