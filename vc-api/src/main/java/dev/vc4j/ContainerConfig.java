package dev.vc4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create a container in a sandbox. {@code ociSpec} is an OCI runtime spec
 * (config.json) as JSON text, passed to the guest as it is; null lets the guest derive one from
 * {@code cmd}, the rootfs and the mounts. Immutable; build one with {@link #builder()}.
 */
public record ContainerConfig(
        String id,
        Cmd cmd,
        String ociSpec,
        Rootfs rootfs,
        List<Mount> mounts,
        List<Device> devices,
        RestartPolicy restartPolicy,
        List<String> dependencies,
        Map<String, String> annotations) {

    public ContainerConfig {
        mounts = List.copyOf(mounts);
        devices = List.copyOf(devices);
        dependencies = List.copyOf(dependencies);
        annotations = Map.copyOf(annotations);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every field; throws {@link InvalidConfigException} naming the first bad one. Touches nothing. */
    public void validate() {
        SandboxIds.check("id", id);
        if (cmd == null) {
            throw new InvalidConfigException("cmd", null, "is required");
        }
        cmd.validate("cmd");
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

    public static final class Builder {
        private String id;
        private Cmd cmd;
        private String ociSpec;
        private Rootfs rootfs;
        private final List<Mount> mounts = new ArrayList<>();
        private final List<Device> devices = new ArrayList<>();
        private RestartPolicy restartPolicy = RestartPolicy.NO;
        private final List<String> dependencies = new ArrayList<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder cmd(Cmd cmd) {
            this.cmd = cmd;
            return this;
        }

        public Builder ociSpec(String json) {
            this.ociSpec = json;
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
            return new ContainerConfig(id, cmd, ociSpec, rootfs, mounts, devices, restartPolicy, dependencies,
                    annotations);
        }
    }
}
