package dev.vc4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Everything needed to create a sandbox. Immutable; build one with {@link #builder()}. */
public record SandboxConfig(
        String id,
        String hostname,
        HypervisorConfig hypervisor,
        AgentConfig agent,
        NetworkConfig network,
        Map<String, String> annotations,
        List<Volume> volumes) {

    public SandboxConfig {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks every field; throws {@link InvalidConfigException} naming the first bad one. Touches nothing. */
    public void validate() {
        SandboxIds.check("id", id);
        if (hostname == null || !hostname.matches("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")) {
            throw new InvalidConfigException("hostname", hostname, "must be a host name label of 1 to 63 letters, digits or '-'");
        }
        if (hypervisor == null) {
            throw new InvalidConfigException("hypervisor", null, "is required");
        }
        hypervisor.validate("hypervisor");
        if (agent == null) {
            throw new InvalidConfigException("agent", null, "is required");
        }
        agent.validate("agent");
        if (network == null) {
            throw new InvalidConfigException("network", null, "is required");
        }
        annotations.forEach((key, value) -> {
            if (key.isEmpty() || key.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigException("annotations", key, "a key must be non-empty without control characters");
            }
        });
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume volume = volumes.get(i);
            volume.validate("volumes[" + i + "]");
            if (!tags.add(volume.mountTag())) {
                throw new InvalidConfigException("volumes[" + i + "].mountTag", volume.mountTag(), "is used twice");
            }
        }
    }

    public static final class Builder {
        private String id;
        private String hostname;
        private HypervisorConfig hypervisor;
        private AgentConfig agent = AgentConfig.defaults();
        private NetworkConfig network = NetworkConfig.none();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<Volume> volumes = new ArrayList<>();

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Defaults to the id when it is a valid host name, else to "sandbox". */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

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

        public SandboxConfig build() {
            String host = hostname;
            if (host == null) {
                host = id != null && id.matches("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?") ? id : "sandbox";
            }
            return new SandboxConfig(id, host, hypervisor == null ? HypervisorConfig.defaults() : hypervisor, agent,
                    network, annotations, volumes);
        }
    }
}
