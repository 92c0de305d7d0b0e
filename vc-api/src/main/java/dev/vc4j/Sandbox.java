package dev.vc4j;

import dev.vc4j.internal.ContainerLauncher;
import dev.vc4j.internal.ContainerRuns;
import dev.vc4j.internal.Events;
import dev.vc4j.internal.GuestLink;
import dev.vc4j.internal.GuestNotices;
import dev.vc4j.internal.InterfaceHotplug;
import dev.vc4j.internal.Logs;
import dev.vc4j.internal.OciHooks;
import dev.vc4j.internal.SandboxResizer;
import dev.vc4j.internal.SpecHooks;
import dev.vc4j.internal.StartOrder;
import dev.vc4j.internal.StoredSandbox;
import dev.vc4j.internal.Undo;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.VmRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

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
    private static final Set<SandboxState> EXEC_STATES = EnumSet.of(SandboxState.READY, SandboxState.RUNNING);
    private static final Set<SandboxState> DELETE_STATES =
            EnumSet.of(SandboxState.READY, SandboxState.PAUSED, SandboxState.STOPPED);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final SandboxConfig config;
    private final StoredSandbox stored;
    private final Events events;
    private final GuestLink link;
    private final ContainerLauncher launcher;
    private final ContainerRuns runs;
    private final OciHooks hooks;
    private final SandboxResizer resizer;
    private final InterfaceHotplug interfaces;
    private final GuestNotices notices;
    private final SandboxContainers containers;
    private volatile BootTimings timings;

    /**
     * The engine of one sandbox, wired from its {@link VirtContainers}' store, drivers and events. Nothing is
     * created: a sandbox known from the store connects to its VM and agent on first use.
     */
    Sandbox(
            SandboxConfig config,
            SandboxStore store,
            Hypervisor hypervisor,
            Agent agent,
            Network network,
            Events events) {
        this.config = config;
        this.stored = new StoredSandbox(store, config);
        this.events = events;
        this.hooks = new OciHooks(config.id(), config.hooks(), config.network(), stored.runDir(), events);
        this.link = new GuestLink(
                config,
                stored.runDir(),
                stored.hostCache(),
                stored::sharedDir,
                hypervisor,
                agent,
                network,
                namespace -> hooks.prestartBeforeBoot(namespace, config.annotations()),
                // called once a VM or an agent session exists, when the notices below are made
                watched -> Sandbox.this.notices.vmEnded(watched),
                containerId -> Sandbox.this.notices.oomKilled(containerId));
        this.launcher = new ContainerLauncher(stored, config.volumes(), link, new SpecHooks(stored, events));
        this.runs = new ContainerRuns(stored, link, launcher, events);
        this.resizer = new SandboxResizer(config.hypervisor(), link);
        this.interfaces = new InterfaceHotplug(config, stored, network, link);
        this.notices = new GuestNotices(stored, link, runs, hooks, events);
        this.containers = new SandboxContainers(
                stored, link, runs, launcher, events, config.agent().callTimeout());
    }

    /**
     * Boots the VM, connects to its agent and persists READY, registering each step's undo; the caller holds the
     * new sandbox's lock.
     */
    void boot(Undo undo, long startedNanos) {
        timings = link.boot(undo, startedNanos);
        VmRecord vm = link.vmRecord();
        stored.write(new SandboxRecord(id(), SandboxState.READY, Instant.now(), vm, config.annotations()));
        Logs.SANDBOX.info(
                "sandbox created in {} ms: QEMU pid {} on {}, agent ready {} ms after QEMU started",
                timings.total().toMillis(),
                vm.pid(),
                vm.accelerator(),
                timings.agentReady().toMillis());
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
     * agent (see {@link ContainerRuns}); a recorded VM found dead is first recorded as ended (see {@link GuestNotices}).
     */
    public SandboxStatus status() {
        try (var log = logged()) {
            return notices.status();
        }
    }

    /**
     * The status as stored, without asking the guest: for listings, which must not connect to every VM. A dead
     * VM is still recorded as ended: that needs no guest.
     */
    SandboxStatus storedStatus() {
        try (var log = logged()) {
            return notices.storedStatus();
        }
    }

    /** The sandbox's containers, in id order. */
    public List<Container> containers() {
        return containers.all();
    }

    /** Throws {@link NotFoundException} when the sandbox has no container {@code containerId}. */
    public Container container(String containerId) {
        return containers.get(containerId);
    }

    /**
     * Creates a container in the guest, ready to start (see {@link ContainerLauncher}); every step is undone
     * when a later one fails. Needs the sandbox ready or running.
     */
    public Container createContainer(ContainerConfig containerConfig) {
        return containers.create(containerConfig, EXEC_STATES);
    }

    /**
     * Ready -> running; stopped -> running boots a new VM from the stored config. The prestart hooks run once
     * the VM and agent are up (a failure undoes the start), then the config's containers start, dependencies
     * first, then the poststart hooks run. A container that fails to start fails the call, the sandbox
     * running with the containers started before it. A paused sandbox is resumed, not started.
     */
    public void start() {
        try (var log = logged();
                var lock = stored.lock(true)) {
            SandboxRecord record = stored.loadIn("start", START_STATES);
            Undo undo = new Undo();
            SandboxRecord running;
            try {
                running = record.withState(
                        SandboxState.RUNNING, record.state() == SandboxState.STOPPED ? bootAgain(undo) : record.vm());
                hooks.prestart(running);
            } catch (RuntimeException | Error e) {
                undo.runAll(e);
                throw e;
            }
            stored.write(running);
            events.publish(id(), SandboxEvent.Type.START);
            runs.startAll(running, StartOrder.sorted(config.containers()));
            hooks.poststart(running);
            Logs.SANDBOX.info("sandbox started in {} ms", log.elapsedMillis());
        }
    }

    /** The binary or the image may have gone since the sandbox was created: checked before anything starts. */
    private VmRecord bootAgain(Undo undo) {
        config.validate();
        timings = link.boot(undo, System.nanoTime());
        return link.vmRecord();
    }

    /**
     * Runs a command in the guest (outside any container) to completion. The lock is not held while it runs: a
     * stop or delete meanwhile ends it with a {@link HypervisorException}.
     */
    public ExecResult exec(GuestCommand command) {
        Objects.requireNonNull(command, "command").validate();
        try (var log = logged()) {
            AgentSession session;
            try (var lock = stored.lock(false)) {
                session = link.session(stored.loadIn("exec", EXEC_STATES));
                events.publish(id(), SandboxEvent.Type.EXEC_ADDED);
            }
            String what = "guest command `" + command.argv().get(0) + "`";
            ExecResult result = link.callUnheld(session, what, s -> s.runProcess(command));
            // the program only: its arguments may hold what a log must not
            Logs.SANDBOX.info(
                    "guest command {} ended with exit code {} in {} ms",
                    command.argv().get(0),
                    result.exitCode(),
                    log.elapsedMillis());
            return result;
        }
    }

    public ExecResult exec(String... argv) {
        return exec(GuestCommand.of(argv));
    }

    public GuestDetails guestDetails() {
        return inVm("read guest details", false, record -> link.call(record, AgentSession::guestDetails));
    }

    /**
     * Hot-plugs or unplugs vCPUs until the VM has {@code vcpus} (1 to hypervisor.maxVcpus; only hot-added ones
     * can be removed) and returns once the guest has them online, with what it reports then. Needs ready or
     * running. A vCPU the guest does not give up stays, with an error; removing vCPUs needs KVM.
     */
    public GuestDetails resizeVcpus(int vcpus) {
        resizer.checkVcpus(vcpus);
        return inVm("resize vCPUs", true, record -> resizer.vcpus(record, vcpus));
    }

    /**
     * Hot-plugs or unplugs memory until the VM has {@code memoryMib} (the boot memory plus 128 MiB blocks,
     * within hypervisor.maxMemoryMib; only hot-added memory can be removed, the newest first) and returns once the
     * guest's MemTotal shows it. Needs ready or running. Memory the guest cannot give up stays, with an error.
     */
    public GuestDetails resizeMemory(int memoryMib) {
        resizer.checkMemory(memoryMib);
        return inVm("resize memory", true, record -> resizer.memory(record, memoryMib));
    }

    /**
     * Adds the link {@code name} of the sandbox's network namespace (netns mode; a veth a CNI plugin put there
     * after the start, say) to the VM, as a NIC with its MAC, address and gateway (see {@link InterfaceHotplug}).
     * Needs ready or running; a name or MAC the sandbox already has is refused.
     */
    public SandboxInterface addInterface(String name) {
        interfaces.check(name);
        return inVm("add an interface", true, record -> interfaces.add(record, name));
    }

    /**
     * Removes an interface that {@link #addInterface} added; the namespace's link stays, and so do the interfaces
     * the VM booted with. Needs ready or running.
     */
    public void removeInterface(String name) {
        interfaces.check(name);
        inVm("remove an interface", true, record -> {
            interfaces.remove(record, name);
            return null;
        });
    }

    /** The current annotations: the config's, changed by {@link #setAnnotations}. */
    public Map<String, String> annotations() {
        try (var log = logged();
                var lock = stored.lock(false)) {
            return stored.load().annotations();
        }
    }

    /** Adds or replaces the given annotations (the others stay) and persists them, in any state. */
    public void setAnnotations(Map<String, String> changes) {
        SandboxConfig.checkAnnotations(Objects.requireNonNull(changes, "changes"));
        try (var log = logged();
                var lock = stored.lock(true)) {
            stored.addAnnotations(changes);
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
        try (var log = logged();
                var lock = stored.lock(true)) {
            SandboxRecord record = stored.loadIn(operation, EnumSet.of(from));
            record.state().moveTo(target, id());
            if (target == SandboxState.PAUSED) {
                link.vm(record).pause();
            } else {
                link.vm(record).resume();
            }
            stored.write(record.withState(target, record.vm()));
            events.publish(id(), event);
            Logs.SANDBOX.info(
                    "sandbox {} in {} ms", target == SandboxState.PAUSED ? "paused" : "resumed", log.elapsedMillis());
        }
    }

    /** Stops the VM gracefully (power button, then quit, then kill) and persists STOPPED. */
    public void stop() {
        stop(StopMode.GRACEFUL);
    }

    /** Stops the VM as {@code mode} says (with {@link StopMode#IMMEDIATE}, QEMU is ended at once). */
    public void stop(StopMode mode) {
        Objects.requireNonNull(mode, "mode");
        try (var log = logged();
                var lock = stored.lock(true)) {
            SandboxRecord record = stored.load();
            SandboxState next = record.state().moveTo(SandboxState.STOPPED, id());
            link.endVm(record, mode == StopMode.IMMEDIATE ? Duration.ZERO : STOP_GRACE);
            runs.endedWithVm(true);
            stored.write(record.withState(next, null));
            events.publish(id(), SandboxEvent.Type.STOP);
            hooks.poststop(record);
            Logs.SANDBOX.info("sandbox stopped in {} ms", log.elapsedMillis());
        }
    }

    /**
     * Destroys the sandbox: its VM if one still runs (then the poststop hooks run), then its state, config and
     * every mount and file under its run directory. Needs ready, paused or stopped.
     */
    public void delete() {
        try (var log = logged();
                var lock = stored.lock(true)) {
            SandboxRecord record = stored.loadIn("delete", DELETE_STATES);
            link.endVm(record, Duration.ZERO);
            if (record.vm() != null) {
                hooks.poststop(record);
            }
            Runnable containersPoststop = launcher.hooks().poststopOfEveryContainer();
            stored.delete();
            containersPoststop.run();
            events.publish(id(), SandboxEvent.Type.DELETE);
            Logs.SANDBOX.info("sandbox deleted in {} ms", log.elapsedMillis());
        }
    }

    /** Events of this sandbox caused through this process's {@link VirtContainers}, in order. */
    public SandboxEventListener.Registration onEvent(SandboxEventListener listener) {
        return events.subscribe(id(), Objects.requireNonNull(listener, "listener"));
    }

    /**
     * For {@link VirtContainers#cleanup()}: records a VM found gone, and takes back a VM launched and never
     * recorded (see {@link GuestNotices#reclaim}). Returns whether anything changed.
     */
    boolean reclaim() {
        try (var log = logged();
                var lock = stored.lock(true)) {
            return notices.reclaim();
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

    /** Names this sandbox in the log of the calling thread, and of what it starts, until the scope closes. */
    private LogContext.Scope logged() {
        return LogContext.sandbox(id());
    }

    /** {@code action} on the stored state, ready or running, under the lock (exclusive when it changes the VM). */
    private <T> T inVm(String operation, boolean exclusive, Function<SandboxRecord, T> action) {
        try (var log = logged();
                var lock = stored.lock(exclusive)) {
            return action.apply(stored.loadIn(operation, EXEC_STATES));
        }
    }
}
