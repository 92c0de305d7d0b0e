package dev.vc4j.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * What the guest agent sets up for the sandbox as a whole: the hostname (empty: unchanged), DNS (written to the
 * agent's sandbox directory as resolv.conf, for containers to bind-mount), kernel modules to load, storages to
 * mount under the sandbox directory, the guest hook directory (empty: unchanged; see
 * {@link dev.vc4j.AgentConfig#guestHookPath()}). A later call may add storages: without DNS entries it keeps the
 * DNS set before, and a 9p share it lists again stays mounted as it is.
 */
public record SandboxSetup(
        String hostname,
        List<String> dnsServers,
        List<String> dnsSearch,
        List<String> kernelModules,
        List<StorageSpec> storages,
        String guestHookPath) {

    public SandboxSetup {
        hostname = hostname == null ? "" : hostname;
        guestHookPath = guestHookPath == null ? "" : guestHookPath;
        dnsServers = List.copyOf(dnsServers);
        dnsSearch = List.copyOf(dnsSearch);
        kernelModules = List.copyOf(kernelModules);
        storages = List.copyOf(storages);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String hostname = "";
        private final List<String> dnsServers = new ArrayList<>();
        private final List<String> dnsSearch = new ArrayList<>();
        private final List<String> kernelModules = new ArrayList<>();
        private final List<StorageSpec> storages = new ArrayList<>();
        private String guestHookPath = "";

        private Builder() {}

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder dnsServer(String ip) {
            dnsServers.add(ip);
            return this;
        }

        public Builder dnsSearch(String domain) {
            dnsSearch.add(domain);
            return this;
        }

        public Builder kernelModule(String name) {
            kernelModules.add(name);
            return this;
        }

        public Builder storage(StorageSpec storage) {
            storages.add(storage);
            return this;
        }

        public Builder guestHookPath(String path) {
            this.guestHookPath = path;
            return this;
        }

        public SandboxSetup build() {
            return new SandboxSetup(hostname, dnsServers, dnsSearch, kernelModules, storages, guestHookPath);
        }
    }
}
