package dev.vc4j;

import dev.vc4j.internal.ContainerLauncher;
import dev.vc4j.internal.Events;
import dev.vc4j.internal.LeftoverMounts;
import dev.vc4j.internal.StartOrder;
import dev.vc4j.internal.TemplatedHypervisor;
import dev.vc4j.internal.Undo;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.SandboxStoreFactory;
import dev.vc4j.spi.VmFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The entry point: holds the store and the drivers, and creates or fetches sandboxes.
 * {@link #create()} wires the default implementations found on the class path.
 */
public final class VirtContainers {
    private static final int MAX_SOCKET_PATH = 107;
    private static final String LONGEST_SOCKET_NAME = "qmp-ctl.sock";
    /** Under the run root: templates hold guest memory, which belongs on tmpfs and does not outlive a reboot. */
    private static final String TEMPLATES_DIR = "templates";

    private final SandboxStore store;
    private final Hypervisor hypervisor;
    private final Agent agent;
    private final Network network;
    private final HypervisorConfig defaultHypervisor;
    private final VmTemplates templates;
    /** Null without templates. */
    private final VmFactory vmFactory;

    private final Events events = new Events();

    private VirtContainers(Builder b) {
        this.store = b.store != null
                ? b.store
                : load(SandboxStoreFactory.class).open(b.roots != null ? b.roots : StoreRoots.defaults());
        Hypervisor driver = b.hypervisor != null ? b.hypervisor : load(Hypervisor.class);
        this.templates = b.templates;
        this.vmFactory = templates == null
                ? null
                : driver.templates(store.roots().run().resolve(TEMPLATES_DIR))
                        .orElseThrow(() -> new InvalidConfigException(
                                "templates",
                                templates.toString(),
                                driver.getClass().getName() + " has no VM templates"));
        if (vmFactory != null) {
            vmFactory.pool(templates.poolSize());
        }
        this.hypervisor = vmFactory == null ? driver : new TemplatedHypervisor(driver, vmFactory);
        this.agent = b.agent != null ? b.agent : load(Agent.class);
        this.network = b.network != null ? b.network : load(Network.class);
        this.defaultHypervisor = b.defaultHypervisor;
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
     * Creates a sandbox: validates the config, persists it, boots the VM and connects to its agent, then
     * creates the config's containers. Returns a sandbox in state READY. On any failure every step taken is
     * undone: no process, socket or directory is left behind. The sandbox's {@link Sandbox#config()} is the
     * one it runs: with this object's default hypervisor config when it had none, and its resources applied.
     */
    public Sandbox createSandbox(SandboxConfig requested) {
        SandboxConfig config = Objects.requireNonNull(requested, "config")
                .resolve(() -> defaultHypervisor != null ? defaultHypervisor : HypervisorConfig.defaults());
        config.containers().forEach(ContainerLauncher::checkRootfs);
        Sandbox sandbox = createVm(config);
        try {
            StartOrder.sorted(config.containers()).forEach(sandbox::createContainer); // one's dependencies must exist
            return sandbox;
        } catch (RuntimeException | Error e) {
            deleteAfterFailure(sandbox, e);
            throw e;
        }
    }

    private Sandbox createVm(SandboxConfig config) {
        long started = System.nanoTime();
        String id = config.id();
        checkSocketPathLength(id);
        if (store.exists(id)) {
            throw new AlreadyExistsException("sandbox", id);
        }
        try (var log = LogContext.sandbox(id);
                var lock = store.lockNew(id)) {
            createConfig(config);
            Undo undo = new Undo();
            undo.push("remove the sandbox's directories", () -> store.delete(id));
            try {
                Sandbox sandbox = sandbox(config);
                sandbox.boot(undo, started);
                events.publish(id, SandboxEvent.Type.CREATE);
                return sandbox;
            } catch (RuntimeException | Error e) {
                undo.runAll(e);
                throw e;
            }
        }
    }

    /** Creates a sandbox and starts it with its containers; a sandbox that fails to start is deleted again. */
    public Sandbox runSandbox(SandboxConfig config) {
        Sandbox sandbox = createSandbox(config);
        try {
            sandbox.start();
            return sandbox;
        } catch (RuntimeException | Error e) {
            deleteAfterFailure(sandbox, e);
            throw e;
        }
    }

    /** A start that failed with a container may have left the sandbox running: it is stopped first. */
    private static void deleteAfterFailure(Sandbox sandbox, Throwable failure) {
        try {
            if (sandbox.storedStatus().state() == SandboxState.RUNNING) { // no call into the guest while undoing
                sandbox.stop(StopMode.IMMEDIATE);
            }
            sandbox.delete();
        } catch (RuntimeException undo) {
            if (undo != failure) { // the same failure again, when its cause is still there
                failure.addSuppressed(undo);
            }
        }
    }

    /**
     * Takes up a sandbox from the store, created by this or any other process, without touching its VM
     * or guest: the connections open on first use. The config is not validated again, so a sandbox whose
     * QEMU binary or guest image has gone can still be inspected, stopped and deleted.
     */
    public Sandbox fetchSandbox(String id) {
        SandboxIds.check("id", id);
        try (var lock = store.lock(id, false)) {
            return sandbox(store.readConfig(id));
        }
    }

    /**
     * The status of every stored sandbox, by id, as stored: containers' exits that no process watched show once
     * a sandbox's own status is read. Sandboxes deleted while listing are left out.
     */
    public List<SandboxStatus> listSandboxes() {
        List<SandboxStatus> statuses = new ArrayList<>();
        for (String id : store.list()) {
            try {
                statuses.add(fetchSandbox(id).storedStatus());
            } catch (NotFoundException deletedMeanwhile) {
                // listing is a snapshot; a sandbox gone since store.list() is not part of it
            }
        }
        return statuses;
    }

    /**
     * Brings the store in line with the host: sandboxes whose QEMU is gone are moved to stopped and the
     * VM's sockets and pid file removed; sandboxes whose run path did not survive a reboot are recorded as
     * stopped (they can be started again or deleted); what a crash left mounted for a deleted container or
     * sandbox is unmounted and removed, and so are the directories of a sandbox whose create died before its
     * config was written; the pooled VMs are killed (those of a process that was killed too), and VM templates
     * removed unless they are
     * {@linkplain VmTemplates#persist() persistent}. Returns the ids of the sandboxes it changed.
     */
    public List<String> cleanup() {
        List<String> changed = new ArrayList<>(LeftoverMounts.reap(store));
        changed.addAll(store.removeIncomplete());
        for (String id : store.list()) {
            try {
                if (fetchSandbox(id).reclaim() && !changed.contains(id)) {
                    changed.add(id);
                }
            } catch (NotFoundException deletedMeanwhile) {
                // nothing left to clean
            }
        }
        if (vmFactory != null) {
            vmFactory.drainPool();
            if (!templates.persist()) {
                vmFactory.removeAll();
            }
        } else {
            // the pooled VMs another process left when it was killed: any process's cleanup ends them
            hypervisor.templates(store.roots().run().resolve(TEMPLATES_DIR)).ifPresent(VmFactory::drainPool);
        }
        return changed;
    }

    /** The VM templates stored now; none without {@link Builder#templates}. */
    public List<TemplateInfo> listTemplates() {
        return vmFactory == null ? List.of() : vmFactory.list();
    }

    /** Events of every sandbox, caused through this object, in order per sandbox. */
    public SandboxEventListener.Registration onEvent(SandboxEventListener listener) {
        return events.subscribe(null, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The VM's unix sockets live in the run directory, and a unix socket path holds at most 107 bytes;
     * a long id under a deep run root would only fail later, inside QEMU.
     */
    private void checkSocketPathLength(String id) {
        int longest = store.runDir(id).resolve(LONGEST_SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length;
        if (longest > MAX_SOCKET_PATH) {
            throw new InvalidConfigException(
                    "id",
                    id,
                    "too long: the sandbox's sockets under " + store.roots().run() + " would have paths of " + longest
                            + " bytes, at most " + MAX_SOCKET_PATH + " are possible");
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

    /** A sandbox's object, wired to this object's store, drivers and events. */
    private Sandbox sandbox(SandboxConfig config) {
        return new Sandbox(config, store, hypervisor, agent, network, events);
    }

    private static <T> T load(Class<T> type) {
        return ServiceLoader.load(type, VirtContainers.class.getClassLoader())
                .findFirst()
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
        private HypervisorConfig defaultHypervisor;
        private VmTemplates templates;

        private Builder() {}

        /** Sandboxes start as clones of VM templates (see {@link VmTemplates}); null: every sandbox boots. */
        public Builder templates(VmTemplates templates) {
            this.templates = templates;
            return this;
        }

        /** The hypervisor config of sandboxes whose config sets none; else {@link HypervisorConfig#defaults()}. */
        public Builder defaultHypervisor(HypervisorConfig defaultHypervisor) {
            this.defaultHypervisor = defaultHypervisor;
            return this;
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
