package dev.vc4j;

import dev.vc4j.internal.OciSpec;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create a container in a sandbox. Immutable; build one with {@link #builder()}, or read
 * an OCI bundle with {@link #fromBundle(Path)} or {@link Bundle}.
 *
 * <p>{@code ociSpec} is the caller's own OCI runtime spec (config.json), null for vc4j's defaults (/proc, /dev,
 * new pid, mount, ipc and uts namespaces, the id as hostname). The guest runs it with the process of {@code cmd}
 * when that is set (else the spec's own process), its root where the agent mounts the rootfs and its cgroup
 * where vc4j reads stats and OOM kills: a spec that sets another {@code root.path} or
 * {@code linux.cgroupsPath} is refused. The spec's own mounts go to the guest as they are (a bind source there
 * is a path in the guest); {@code mounts}, whose bind sources are host paths (see {@link Mount}), follow them.
 * {@code annotations} are added to the spec's. Its hooks run as {@link Bundle} says. {@code bundle} is the
 * bundle directory the hooks' OCI state names, null when the config did not come from one.
 */
public record ContainerConfig(
        String id,
        Cmd cmd,
        Spec ociSpec,
        Rootfs rootfs,
        List<Mount> mounts,
        List<Device> devices,
        RestartPolicy restartPolicy,
        List<String> dependencies,
        Map<String, String> annotations,
        Path bundle) {

    public ContainerConfig {
        mounts = List.copyOf(mounts);
        devices = List.copyOf(devices);
        dependencies = List.copyOf(dependencies);
        annotations = Map.copyOf(annotations);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder filled from the OCI bundle in {@code bundle} (see {@link Bundle#read(Path)}); the container's id
     * is the caller's to set. What a VM cannot honour is logged; {@link Bundle} returns it, and refuses it in
     * strict mode.
     */
    public static Builder fromBundle(Path bundle) {
        return Bundle.read(bundle).toConfig();
    }

    /** Checks every field; throws {@link InvalidConfigException} naming the first bad one. Touches nothing. */
    public void validate() {
        SandboxIds.check("id", id);
        if (cmd == null && (ociSpec == null || ociSpec.process() == null)) {
            throw new InvalidConfigException("cmd", null, "is required (or the process of ociSpec)");
        }
        if (cmd != null) {
            cmd.validate("cmd");
        }
        if (ociSpec != null) {
            validateSpec();
        }
        if (bundle != null && !bundle.isAbsolute()) {
            throw new InvalidConfigException("bundle", bundle, "must be an absolute path");
        }
        if (rootfs == null) {
            throw new InvalidConfigException("rootfs", null, "is required");
        }
        rootfs.validate("rootfs");
        for (int i = 0; i < mounts.size(); i++) {
            mounts.get(i).validate("mounts[" + i + "]");
        }
        for (int i = 0; i < devices.size(); i++) {
            devices.get(i).validate("devices[" + i + "]");
        }
        for (String dependency : dependencies) {
            SandboxIds.check("dependencies", dependency);
            if (dependency.equals(id)) {
                throw new InvalidConfigException("dependencies", dependency, "a container cannot depend on itself");
            }
        }
        SandboxConfig.checkAnnotations(annotations);
    }

    /** The caller's spec: valid as OCI, with a process to run, and leaving vc4j its root and cgroup. */
    private void validateSpec() {
        try {
            ociSpec.validate();
        } catch (InvalidConfigException e) {
            throw e.within("ociSpec");
        }
        if (cmd == null
                && (ociSpec.process().args() == null
                        || ociSpec.process().args().isEmpty()
                        || ociSpec.process().args().get(0).isEmpty())) {
            throw new InvalidConfigException(
                    "ociSpec.process.args", ociSpec.process().args(), "needs at least the program to run");
        }
        Root root = ociSpec.root();
        if (root != null && root.path() != null && !root.path().equals(OciSpec.GUEST_ROOT)) {
            throw new InvalidConfigException(
                    "ociSpec.root.path",
                    root.path(),
                    "the guest mounts the container's " + "root at `" + OciSpec.GUEST_ROOT
                            + "`: leave it out and set the config's rootfs");
        }
        String cgroupsPath = ociSpec.linux() == null ? null : ociSpec.linux().cgroupsPath();
        if (cgroupsPath != null && !cgroupsPath.equals(OciSpec.cgroupsPath(id))) {
            throw new InvalidConfigException(
                    "ociSpec.linux.cgroupsPath",
                    cgroupsPath,
                    "vc4j reads the container's " + "stats and OOM kills in " + OciSpec.cgroupsPath(id)
                            + ": leave it out");
        }
    }

    public static final class Builder {
        private String id;
        private Cmd cmd;
        private Spec ociSpec;
        private Rootfs rootfs;
        private final List<Mount> mounts = new ArrayList<>();
        private final List<Device> devices = new ArrayList<>();
        private RestartPolicy restartPolicy = RestartPolicy.NO;
        private final List<String> dependencies = new ArrayList<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private Path bundle;

        private Builder() {}

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder cmd(Cmd cmd) {
            this.cmd = cmd;
            return this;
        }

        /** The caller's own spec as JSON; malformed JSON or a value of the wrong type is refused here. */
        public Builder ociSpec(String json) {
            this.ociSpec = json == null ? null : Spec.parse(json, "ociSpec");
            return this;
        }

        public Builder ociSpec(Spec spec) {
            this.ociSpec = spec;
            return this;
        }

        /** The bundle directory the config came from, which the hooks' OCI state names. */
        public Builder bundle(Path dir) {
            this.bundle = dir;
            return this;
        }

        public Builder rootfs(Rootfs rootfs) {
            this.rootfs = rootfs;
            return this;
        }

        public Builder mount(Mount mount) {
            mounts.add(Objects.requireNonNull(mount, "mount"));
            return this;
        }

        public Builder device(Device device) {
            devices.add(Objects.requireNonNull(device, "device"));
            return this;
        }

        public Builder restartPolicy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** {@code no}, {@code on-failure[:N]} or {@code always}. */
        public Builder restartPolicy(String policy) {
            return restartPolicy(RestartPolicy.parse(policy));
        }

        /** A container of the same sandbox that must be running before this one starts. */
        public Builder dependsOn(String containerId) {
            dependencies.add(Objects.requireNonNull(containerId, "containerId"));
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public ContainerConfig build() {
            return new ContainerConfig(
                    id, cmd, ociSpec, rootfs, mounts, devices, restartPolicy, dependencies, annotations, bundle);
        }
    }
}
