package dev.vc4j;

import dev.vc4j.internal.ContainerLauncher;
import dev.vc4j.internal.ContainerRuns;
import dev.vc4j.internal.GuestLink;
import dev.vc4j.internal.OciHooks;
import dev.vc4j.internal.SandboxResizer;
import dev.vc4j.internal.Undo;
import dev.vc4j.internal.VmEndWatch;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A VM with an agent inside. The lifecycle reads top-down in this file: creation (from
 * {@link VirtContainers#createSandbox}) or re-creation from the store ({@link VirtContainers#fetchSandbox}),
 * then start, exec, pause, resume, stop, delete.
 *
 * <p>Every operation takes the sandbox's lock (shared to read, exclusive to change), loads the persisted
 * state, acts, persists, and releases the lock, so that threads and processes can share one sandbox.
 * {@link #close()} only releases what this object holds in memory; the sandbox and its VM stay until
 * {@link #delete()}.
 */
public final class Sandbox implements AutoCloseable {
    private static final Set<SandboxState> START_STATES = EnumSet.of(SandboxState.READY, SandboxState.STOPPED);
    public static final Set<SandboxState> EXEC_STATES = EnumSet.of(SandboxState.READY, SandboxState.RUNNING);
    private static final Set<SandboxState> DELETE_STATES =
            EnumSet.of(SandboxState.READY, SandboxState.PAUSED, SandboxState.STOPPED);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final VirtContainers vc;
    private final SandboxConfig config;
    private final GuestLink link;
    private final VmEndWatch endWatch = new VmEndWatch(this);
    private final SandboxResizer resizer = new SandboxResizer(this);
    private final ContainerLauncher launcher;
    private final ContainerRuns runs;
    private final OciHooks hooks;
    private volatile BootTimings timings;

    private Sandbox(VirtContainers vc, SandboxConfig config) {
        this.vc = vc;
        this.config = config;
        this.runs = new ContainerRuns(this);
        this.link = new GuestLink(vc, config, endWatch::watch, runs::oomKilled);
        this.launcher = new ContainerLauncher(this);
        this.hooks = new OciHooks(this);
    }

    /** Boots the VM and connects to its agent, registering each step's undo; the caller holds the lock. */
    static Sandbox boot(VirtContainers vc, SandboxConfig config, Undo undo, long startedNanos) {
        Sandbox sandbox = new Sandbox(vc, config);
        sandbox.timings = sandbox.link.boot(undo, startedNanos);
        return sandbox;
    }

    /** A sandbox known from the store: nothing is created, the VM and agent are connected on first use. */
    static Sandbox fetched(VirtContainers vc, SandboxConfig config) {
        return new Sandbox(vc, config);
    }

    public String id() {
        return config.id();
    }

    public SandboxConfig config() {
        return config;
    }

    /** How long the last boot of this sandbox by this object took; null when this object booted none. */
    public BootTimings bootTimings() {
        return timings;
    }

    /**
     * The persisted state, with the containers'. Containers' exits that nobody here watched are looked up in the
     * agent (see {@link ContainerRuns}); a recorded VM found dead is first recorded as ended (see {@link VmEndWatch}).
     */
    public SandboxStatus status() {
        SandboxStatus status = storedStatus();
        if (status.hypervisorAlive() && status.containers().stream().anyMatch(runs::unwatched)) {
            runs.recordUnseenExits();
            return storedStatus();
        }
        return status;
    }

    /**
     * The status as stored, without asking the guest: for listings, which must not connect to every VM. A dead
     * VM is still recorded as ended: that needs no guest.
     */
    SandboxStatus storedStatus() {
        try (var lock = lock(false)) {
            SandboxRecord record = load();
            if (record.vm() == null || vc.hypervisor().isRunning(record.vm())) {
                List<ContainerStatus> containers = vc.store().listContainers(id()).stream()
                        .map(cid -> Container.load(vc, id(), cid).status()).toList();
                return new SandboxStatus(id(), record.state(), record.vm() == null ? 0 : record.vm().pid(),
                        record.vm() != null, record.vm() == null ? null : record.vm().accelerator(),
                        record.createdAt(), record.annotations(), containers);
            }
        }
        reclaim(); // takes the exclusive lock and looks again
        return storedStatus();
    }

    /** The sandbox's containers, in id order. */
    public List<Container> containers() {
        try (var lock = lock(false)) {
            return vc.store().listContainers(id()).stream()
                    .map(cid -> new Container(this, vc.store().readContainerConfig(id(), cid))).toList();
        }
    }

    /** Throws {@link NotFoundException} when the sandbox has no container {@code containerId}. */
    public Container container(String containerId) {
        SandboxIds.check("containerId", containerId);
        try (var lock = lock(false)) {
            return new Container(this, vc.store().readContainerConfig(id(), containerId));
        }
    }

    /**
     * Creates a container in the guest, ready to start (see {@link ContainerLauncher}); every step is undone
     * when a later one fails. Needs the sandbox ready or running.
     */
    public Container createContainer(ContainerConfig containerConfig) {
        Objects.requireNonNull(containerConfig, "containerConfig").validate();
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            requireState(record, "create a container", EXEC_STATES);
            launcher.createRecorded(containerConfig, record);
            publish(SandboxEvent.Type.CREATE, containerConfig.id(), null);
            return new Container(this, containerConfig);
        }
    }

    /**
     * Ready -> running; stopped -> running boots a new VM from the stored config. The prestart hooks run once
     * the VM and agent are up (a failure undoes the start), then the config's containers start, dependencies
     * first, then the poststart hooks run. A container that fails to start fails the call, the sandbox
     * running with the containers started before it. A paused sandbox is resumed, not started.
     */
    public void start() {
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            requireState(record, "start", START_STATES);
            Undo undo = new Undo();
            SandboxRecord running;
            try {
                running = record.withState(SandboxState.RUNNING,
                        record.state() == SandboxState.STOPPED ? bootAgain(undo) : record.vm());
                hooks.prestart(running);
            } catch (RuntimeException | Error e) {
                undo.runAll(e);
                throw e;
            }
            vc.store().writeState(running);
            publish(SandboxEvent.Type.START);
            runs.startAll(running);
            hooks.poststart(running);
        }
    }

    /** The binary or the image may have gone since the sandbox was created: checked before anything starts. */
    private VmRecord bootAgain(Undo undo) {
        config.validate();
        timings = link.boot(undo, System.nanoTime());
        return link.vmRecord();
    }

    /** Runs a command in the guest (outside any container) to completion. */
    public ExecResult exec(GuestCommand command) {
        Objects.requireNonNull(command, "command").validate();
        try (var lock = lock(false)) {
            SandboxRecord record = load();
            requireState(record, "exec", EXEC_STATES);
            publish(SandboxEvent.Type.EXEC_ADDED);
            return link.call(record, session -> session.runProcess(command));
        }
    }

    public ExecResult exec(String... argv) {
        return exec(GuestCommand.of(argv));
    }

    public GuestDetails guestDetails() {
        try (var lock = lock(false)) {
            SandboxRecord record = load();
            requireState(record, "read guest details", EXEC_STATES);
            return link.call(record, AgentSession::guestDetails);
        }
    }

    /**
     * Hot-plugs or unplugs vCPUs until the VM has {@code vcpus} (1 to hypervisor.maxVcpus; only hot-added ones
     * can be removed) and returns once the guest has them online, with what it reports then. Needs ready or
     * running. A vCPU the guest does not give up stays, with an error; removing vCPUs needs KVM.
     */
    public GuestDetails resizeVcpus(int vcpus) {
        return resizer.vcpus(vcpus);
    }

    /**
     * Hot-plugs or unplugs memory until the VM has {@code memoryMib} (the boot memory plus 128 MiB blocks,
     * within hypervisor.maxMemoryMib; only hot-added memory can be removed, the newest first) and returns once the
     * guest's MemTotal shows it. Needs ready or running. Memory the guest cannot give up stays, with an error.
     */
    public GuestDetails resizeMemory(int memoryMib) {
        return resizer.memory(memoryMib);
    }

    /** The current annotations: the config's, changed by {@link #setAnnotations}. */
    public Map<String, String> annotations() {
        try (var lock = lock(false)) {
            return load().annotations();
        }
    }

    /** Adds or replaces the given annotations (the others stay) and persists them, in any state. */
    public void setAnnotations(Map<String, String> changes) {
        SandboxConfig.checkAnnotations(Objects.requireNonNull(changes, "changes"));
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            Map<String, String> merged = new LinkedHashMap<>(record.annotations());
            merged.putAll(changes);
            vc.store().writeState(record.withAnnotations(merged));
        }
    }

    /** Freezes the guest's CPUs: running -> paused. */
    public void pause() {
        changeVmState("pause", SandboxState.RUNNING, SandboxState.PAUSED, SandboxEvent.Type.PAUSE);
    }

    /** Lets a paused guest run again: paused -> running. */
    public void resume() {
        changeVmState("resume", SandboxState.PAUSED, SandboxState.RUNNING, SandboxEvent.Type.RESUME);
    }

    private void changeVmState(String operation, SandboxState from, SandboxState target, SandboxEvent.Type event) {
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            requireState(record, operation, EnumSet.of(from));
            record.state().moveTo(target, id());
            if (target == SandboxState.PAUSED) {
                link.vm(record).pause();
            } else {
                link.vm(record).resume();
            }
            vc.store().writeState(record.withState(target, record.vm()));
            publish(event);
        }
    }

    /** Stops the VM gracefully (power button, then quit, then kill) and persists STOPPED. */
    public void stop() {
        stop(false);
    }

    /** {@code force}: no graceful power-down, QEMU is ended at once. */
    public void stop(boolean force) {
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            SandboxState next = record.state().moveTo(SandboxState.STOPPED, id());
            link.endVm(record, force ? Duration.ZERO : STOP_GRACE);
            runs.endedWithVm(true);
            vc.store().writeState(record.withState(next, null));
            publish(SandboxEvent.Type.STOP);
            hooks.poststop(record);
        }
    }

    /**
     * Destroys the sandbox: its VM if one still runs (then the poststop hooks run), then its state, config and
     * every file under its run directory. Needs ready, paused or stopped.
     */
    public void delete() {
        try (var lock = lock(true)) {
            SandboxRecord record = load();
            requireState(record, "delete", DELETE_STATES);
            link.endVm(record, Duration.ZERO);
            if (record.vm() != null) {
                hooks.poststop(record);
            }
            vc.store().delete(id());
            publish(SandboxEvent.Type.DELETE);
        }
    }

    /** Events of this sandbox caused through this process's {@link VirtContainers}, in order. */
    public SandboxEventListener.Registration onEvent(SandboxEventListener listener) {
        return vc.events().subscribe(id(), Objects.requireNonNull(listener, "listener"));
    }

    /**
     * For {@link VirtContainers#cleanup()}: a sandbox whose VM is gone is moved to stopped and the VM's files
     * removed; one without state (the run path did not survive a reboot) gets a stopped state. Returns
     * whether anything changed.
     */
    boolean reclaim() {
        try (var lock = lock(true)) {
            Optional<SandboxRecord> stored = vc.store().readState(id());
            if (stored.isEmpty()) {
                vc.store().writeState(afterReboot());
                return true;
            }
            SandboxRecord record = stored.get();
            if (record.vm() == null || vc.hypervisor().isRunning(record.vm())) {
                return false;
            }
            endWatch.recordStopped(record);
            return true;
        }
    }

    /**
     * Releases what this object holds: the agent connection and the VM's control connections, and with them
     * the watch that moves the sandbox to stopped the moment its VM dies ({@link #status()} still finds a dead
     * VM later). The sandbox and its VM keep running; the next call on this object connects again.
     */
    @Override
    public void close() {
        link.close();
    }

    VmRecord vmRecord() {
        return link.vmRecord();
    }

    public VirtContainers vc() {
        return vc;
    }

    public GuestLink link() {
        return link;
    }

    public ContainerLauncher launcher() {
        return launcher;
    }

    public ContainerRuns runs() {
        return runs;
    }

    public OciHooks hooks() {
        return hooks;
    }

    public SandboxLock lock(boolean exclusive) {
        return vc.store().lock(id(), exclusive);
    }

    /** The stored state; a sandbox whose state did not survive a reboot is stopped. */
    public SandboxRecord load() {
        return vc.store().readState(id()).orElseGet(this::afterReboot);
    }

    /** The creation time lived in the run path too: unknown after a reboot. */
    private SandboxRecord afterReboot() {
        return new SandboxRecord(id(), SandboxState.STOPPED, null, null, config.annotations());
    }

    public void requireState(SandboxRecord record, String operation, Set<SandboxState> allowed) {
        if (!allowed.contains(record.state())) {
            throw InvalidStateException.operation("sandbox", id(), record.state(), operation, allowed);
        }
    }

    /** Called under the sandbox's lock, so events are queued in the order of the changes. */
    private void publish(SandboxEvent.Type type) {
        vc.events().publish(SandboxEvent.of(id(), type));
    }

    /** An event of container {@code containerId}; under the sandbox's lock, like the sandbox's own. */
    public void publish(SandboxEvent.Type type, String containerId, Integer exitCode) {
        vc.events().publish(new SandboxEvent(id(), type, containerId, exitCode, Instant.now()));
    }
}
