package dev.vc4j;

import dev.vc4j.spi.Agent;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.SandboxStoreFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The entry point: holds the store and the drivers, and creates or fetches sandboxes.
 * {@link #create()} wires the default implementations found on the class path.
 */
public final class VirtContainers {
    private static final int MAX_SOCKET_PATH = 107;
    private static final String LONGEST_SOCKET_NAME = "qmp-ctl.sock";

    private final SandboxStore store;
    private final Hypervisor hypervisor;
    private final Agent agent;
    private final Network network;

    private VirtContainers(Builder b) {
        this.store = b.store != null ? b.store : load(SandboxStoreFactory.class).open(
                b.roots != null ? b.roots : StoreRoots.defaults());
        this.hypervisor = b.hypervisor != null ? b.hypervisor : load(Hypervisor.class);
        this.agent = b.agent != null ? b.agent : load(Agent.class);
        this.network = b.network != null ? b.network : load(Network.class);
    }

    public static VirtContainers create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public StoreRoots roots() {
        return store.roots();
    }

    /**
     * Creates a sandbox: validates the config, persists it, boots the VM and connects to its agent.
     * Returns a sandbox in state READY. On any failure every step taken is undone: no process, socket or
     * directory is left behind.
     */
    public Sandbox createSandbox(SandboxConfig config) {
        Objects.requireNonNull(config, "config");
        config.validate();
        long started = System.nanoTime();
        String id = config.id();
        checkSocketPathLength(id);
        if (store.exists(id)) {
            throw new AlreadyExistsException("sandbox", id);
        }
        try (var lock = store.lockNew(id)) {
            createConfig(config);
            Undo undo = new Undo();
            undo.push("remove the sandbox's directories", () -> store.delete(id));
            try {
                Sandbox sandbox = Sandbox.boot(this, config, undo, started);
                store.writeState(new SandboxRecord(id, SandboxState.READY, Instant.now(), sandbox.vmRecord(),
                        config.annotations()));
                return sandbox;
            } catch (RuntimeException | Error e) {
                undo.runAll(e);
                throw e;
            }
        }
    }

    /**
     * The VM's unix sockets live in the run directory, and a unix socket path holds at most 107 bytes;
     * a long id under a deep run root would only fail later, inside QEMU.
     */
    private void checkSocketPathLength(String id) {
        int longest = store.runDir(id).resolve(LONGEST_SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length;
        if (longest > MAX_SOCKET_PATH) {
            throw new InvalidConfigException("id", id, "too long: the sandbox's sockets under " + store.roots().run()
                    + " would have paths of " + longest + " bytes, at most " + MAX_SOCKET_PATH + " are possible");
        }
    }

    /** A sandbox that already exists keeps its directories; any other failure removes what lockNew made. */
    private void createConfig(SandboxConfig config) {
        try {
            store.createConfig(config);
        } catch (AlreadyExistsException e) {
            throw e;
        } catch (RuntimeException e) {
            store.delete(config.id());
            throw e;
        }
    }

    SandboxStore store() {
        return store;
    }

    Hypervisor hypervisor() {
        return hypervisor;
    }

    Agent agent() {
        return agent;
    }

    Network network() {
        return network;
    }

    private static <T> T load(Class<T> type) {
        return ServiceLoader.load(type, VirtContainers.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no implementation of " + type.getName()
                        + " on the class path; add the vc4j module that provides it or pass one to the builder"));
    }

    /** Replaces any default: the store (or just its roots), the hypervisor, agent and network drivers. */
    public static final class Builder {
        private StoreRoots roots;
        private SandboxStore store;
        private Hypervisor hypervisor;
        private Agent agent;
        private Network network;

        private Builder() {
        }

        public Builder roots(StoreRoots roots) {
            this.roots = roots;
            return this;
        }

        public Builder store(SandboxStore store) {
            this.store = store;
            return this;
        }

        public Builder hypervisor(Hypervisor hypervisor) {
            this.hypervisor = hypervisor;
            return this;
        }

        public Builder agent(Agent agent) {
            this.agent = agent;
            return this;
        }

        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        public VirtContainers build() {
            return new VirtContainers(this);
        }
    }
}
