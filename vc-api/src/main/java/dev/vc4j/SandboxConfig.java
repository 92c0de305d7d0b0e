package dev.vc4j;

import dev.vc4j.internal.StartOrder;
import dev.vc4j.spi.VmSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Everything needed to create a sandbox. Immutable; build one with {@link #builder()}. A null
 * {@code hypervisor} is filled in by {@link VirtContainers#createSandbox} with its default; {@code resources}
 * size the VM within the hypervisor config's bounds; {@code containers} are created with the sandbox and
 * started, dependencies first, by {@link Sandbox#start()}; {@code hooks} run on the host (see {@link Hooks}).
 * Fields added after the first release read as empty from files written before them.
 */
public record SandboxConfig(
        String id,
        String hostname,
        HypervisorConfig hypervisor,
        AgentConfig agent,
        NetworkConfig network,
        Map<String, String> annotations,
        List<Volume> volumes,
        SandboxResources resources,
        List<ContainerConfig> containers,
        Hooks hooks) {
    private static final String HOSTNAME_LABEL = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";

    public SandboxConfig {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
        resources = resources == null ? SandboxResources.HYPERVISOR_DEFAULTS : resources;
        containers = List.copyOf(containers == null ? List.of() : containers);
        hooks = hooks == null ? Hooks.NONE : hooks;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every field; throws {@link InvalidConfigException} naming the first bad one. Touches nothing. */
    public void validate() {
        SandboxIds.check("id", id);
        if (hostname == null || !hostname.matches(HOSTNAME_LABEL)) {
            throw new InvalidConfigException(
                    "hostname", hostname, "must be a host name label of 1 to 63 letters, digits or '-'");
        }
        if (hypervisor == null) {
            throw new InvalidConfigException("hypervisor", null, "is required (createSandbox sets its default)");
        }
        hypervisor.validate("hypervisor");
        resources.validate(hypervisor);
        if (agent == null) {
            throw new InvalidConfigException("agent", null, "is required");
        }
        agent.validate("agent");
        if (network == null) {
            throw new InvalidConfigException("network", null, "is required");
        }
        checkAnnotations(annotations);
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume volume = volumes.get(i);
            volume.validate("volumes[" + i + "]");
            if (volume.mountTag().equals(VmSpec.SHARED_DIR_TAG)) {
                throw new InvalidConfigException(
                        "volumes[" + i + "].mountTag",
                        volume.mountTag(),
                        "is the tag of the sandbox's shared directory (containers' rootfs)");
            }
            if (!tags.add(volume.mountTag())) {
                throw new InvalidConfigException("volumes[" + i + "].mountTag", volume.mountTag(), "is used twice");
            }
        }
        Set<String> containerIds = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            ContainerConfig container = containers.get(i);
            if (container == null) {
                throw new InvalidConfigException("containers[" + i + "]", null, "must not be null");
            }
            try {
                container.validate();
            } catch (InvalidConfigException e) {
                throw e.within("containers[" + i + "]");
            }
            if (!containerIds.add(container.id())) {
                throw new InvalidConfigException("containers[" + i + "].id", container.id(), "is used twice");
            }
        }
        try {
            StartOrder.of(containers);
        } catch (InvalidConfigException e) {
            throw e.within("containers");
        }
        hooks.validate("hooks");
    }

    /**
     * This config as a sandbox runs it, validated: {@code fallback} as the hypervisor config when none is set,
     * and the resources applied to it.
     */
    SandboxConfig resolve(Supplier<HypervisorConfig> fallback) {
        SandboxConfig c = hypervisor != null ? this : withHypervisor(fallback.get());
        c.validate();
        return c.withHypervisor(c.resources.applyTo(c.hypervisor));
    }

    private SandboxConfig withHypervisor(HypervisorConfig h) {
        return new SandboxConfig(id, hostname, h, agent, network, annotations, volumes, resources, containers, hooks);
    }

    /** Annotation keys end up in logs and files: non-empty, no control characters. */
    static void checkAnnotations(Map<String, String> annotations) {
        annotations.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigException(
                        "annotations", key, "a key must be non-empty without control characters");
            }
            if (value == null) {
                throw new InvalidConfigException("annotations." + key, null, "a value must not be null");
            }
        });
    }

    public static final class Builder {
        private String id;
        private String hostname;
        private HypervisorConfig hypervisor;
        private AgentConfig agent = AgentConfig.defaults();
        private NetworkConfig network = NetworkConfig.none();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<Volume> volumes = new ArrayList<>();
        private SandboxResources resources = SandboxResources.HYPERVISOR_DEFAULTS;
        private final List<ContainerConfig> containers = new ArrayList<>();
        private Hooks hooks = Hooks.NONE;

        private Builder() {}

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Defaults to the id when it is a valid host name, else to "sandbox". */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** Defaults to the {@link VirtContainers}' default hypervisor config. */
        public Builder hypervisor(HypervisorConfig hypervisor) {
            this.hypervisor = hypervisor;
            return this;
        }

        public Builder agent(AgentConfig agent) {
            this.agent = agent;
            return this;
        }

        /** Defaults to no network device at all. */
        public Builder network(NetworkConfig network) {
            this.network = network;
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A host directory shared with the guest (virtio-9p). */
        public Builder volume(Volume volume) {
            volumes.add(Objects.requireNonNull(volume, "volume"));
            return this;
        }

        /** The VM's vCPUs and memory, in place of the hypervisor config's. */
        public Builder resources(SandboxResources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /** A container created with the sandbox and started with it, after its dependencies. */
        public Builder container(ContainerConfig container) {
            containers.add(Objects.requireNonNull(container, "container"));
            return this;
        }

        public Builder hooks(Hooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        public SandboxConfig build() {
            String host = hostname;
            if (host == null) {
                host = id != null && id.matches(HOSTNAME_LABEL) ? id : "sandbox";
            }
            return new SandboxConfig(
                    id, host, hypervisor, agent, network, annotations, volumes, resources, containers, hooks);
        }
    }
}
