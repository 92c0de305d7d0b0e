package dev.vc4j;

import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A VM with an agent inside. The lifecycle reads top-down in this file: {@link #boot} (called by
 * {@link VirtContainers#createSandbox}), then {@link #exec}, {@link #stop}, {@link #delete}.
 *
 * <p>Every operation takes the sandbox's lock (shared to read, exclusive to change), loads the persisted
 * state, acts, and persists. {@link #close()} only releases what this object holds in memory (the agent
 * connection); the sandbox and its VM stay until {@link #delete()}.
 */
public final class Sandbox implements AutoCloseable {
    private static final Set<SandboxState> EXEC_STATES = EnumSet.of(SandboxState.READY, SandboxState.RUNNING);
    private static final Set<SandboxState> DELETE_STATES =
            EnumSet.of(SandboxState.READY, SandboxState.PAUSED, SandboxState.STOPPED);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final VirtContainers vc;
    private final SandboxConfig config;
    private final BootTimings timings;
    private Vm vm;
    private AgentSession agent;

    private Sandbox(VirtContainers vc, SandboxConfig config, Vm vm, AgentSession agent, BootTimings timings) {
        this.vc = vc;
        this.config = config;
        this.vm = vm;
        this.agent = agent;
        this.timings = timings;
    }

    /**
     * Boots the VM and connects to its agent, registering each step's undo. The caller holds the
     * exclusive lock and persists the state.
     */
    static Sandbox boot(VirtContainers vc, SandboxConfig config, Undo undo, long startedNanos) {
        String id = config.id();
        List<NetworkEndpoint> network = vc.network().attach(id, config.network());
        undo.push("take back the network", () -> vc.network().detach(id));

        Vm vm = vc.hypervisor().start(new VmSpec(id, config.hostname(), config.hypervisor(), network,
                vc.store().runDir(id), vc.store().roots().hostCache(), config.volumes(), List.of()));
        undo.push("stop the VM", () -> vm.stop(Duration.ZERO));

        long agentWaitStarted = System.nanoTime();
        Duration startTimeout = config.hypervisor().startTimeoutFor(vm.record().accelerator());
        Duration left = startTimeout.minus(vm.timeToControlReady());
        AgentSession agent = vc.agent().connect(vm.agentSocket(), config.agent(),
                left.isNegative() ? Duration.ZERO : left, () -> requireAlive(vm));
        undo.push("close the agent connection", agent::close);
        // A VM that dies mid-call must fail the call now, not at its deadline.
        vm.onExit(agent::close);

        long now = System.nanoTime();
        Duration agentReady = vm.timeToControlReady().plusNanos(now - agentWaitStarted);
        BootTimings timings = new BootTimings(vm.timeToControlReady(), agentReady, Duration.ofNanos(now - startedNanos));
        return new Sandbox(vc, config, vm, agent, timings);
    }

    public String id() {
        return config.id();
    }

    public SandboxConfig config() {
        return config;
    }

    /** How long the creation of this sandbox took, step by step. */
    public BootTimings bootTimings() {
        return timings;
    }

    public SandboxStatus status() {
        try (var lock = vc.store().lock(id(), false)) {
            SandboxRecord record = load();
            VmRecord vmRecord = record.vm();
            boolean alive = vmRecord != null && vc.hypervisor().isRunning(vmRecord);
            return new SandboxStatus(id(), record.state(), vmRecord == null ? 0 : vmRecord.pid(), alive,
                    vmRecord == null ? null : vmRecord.accelerator(), record.createdAt(), record.annotations());
        }
    }

    /** Runs a command in the guest (outside any container) to completion. */
    public ExecResult exec(GuestCommand command) {
        Objects.requireNonNull(command, "command").validate();
        try (var lock = vc.store().lock(id(), false)) {
            SandboxRecord record = load();
            requireState(record, "exec", EXEC_STATES);
            return callAgent(record, session -> session.runProcess(command));
        }
    }

    public ExecResult exec(String... argv) {
        return exec(GuestCommand.of(argv));
    }

    public GuestDetails guestDetails() {
        try (var lock = vc.store().lock(id(), false)) {
            SandboxRecord record = load();
            requireState(record, "read guest details", EXEC_STATES);
            return callAgent(record, AgentSession::guestDetails);
        }
    }

    /** Stops the VM (graceful power-down, then quit, then kill) and persists STOPPED. */
    public void stop() {
        try (var lock = vc.store().lock(id(), true)) {
            SandboxRecord record = load();
            SandboxState next = record.state().moveTo(SandboxState.STOPPED, id());
            releaseVm(record, STOP_GRACE);
            vc.network().detach(id());
            vc.store().writeState(record.withState(next, null));
        }
    }

    /**
     * Destroys the sandbox: its VM if one still runs, then its state, config and every file under its
     * run directory. Needs ready, paused or stopped.
     */
    public void delete() {
        try (var lock = vc.store().lock(id(), true)) {
            SandboxRecord record = load();
            requireState(record, "delete", DELETE_STATES);
            releaseVm(record, Duration.ZERO);
            vc.network().detach(id());
            vc.store().delete(id());
        }
    }

    /**
     * Releases what this object holds: the agent connection and the VM's control connections. The sandbox
     * and its VM keep running; the next call on this object connects again.
     */
    @Override
    public synchronized void close() {
        closeAgent();
        if (vm != null) {
            vm.close();
            vm = null;
        }
    }

    private synchronized void closeAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    VmRecord vmRecord() {
        return vm.record();
    }

    private SandboxRecord load() {
        return vc.store().readState(id()).orElseThrow(() -> new NotFoundException("sandbox state of", id()));
    }

    private void requireState(SandboxRecord record, String operation, Set<SandboxState> allowed) {
        if (!allowed.contains(record.state())) {
            throw InvalidStateException.operation("sandbox", id(), record.state(), operation, allowed);
        }
    }

    /** The VM and a session with its agent, connecting to whichever is not connected yet. */
    private synchronized AgentSession agent(SandboxRecord record) {
        Vm current = vm(record);
        if (agent == null) {
            // after close() or in another process: each connection starts with a fresh handshake
            agent = vc.agent().connect(current.agentSocket(), config.agent(), config.agent().callTimeout(),
                    () -> requireAlive(current));
            current.onExit(agent::close);
        }
        return agent;
    }

    private synchronized Vm vm(SandboxRecord record) {
        if (vm == null) {
            if (record.vm() == null) {
                throw new HypervisorException("sandbox `" + id() + "` has no VM recorded");
            }
            vm = vc.hypervisor().attach(record.vm(), vc.store().runDir(id()), config.agent().callTimeout());
        }
        return vm;
    }

    /** An agent failure caused by a dead VM is reported as what it is. */
    private <T> T callAgent(SandboxRecord record, Function<AgentSession, T> call) {
        AgentSession session = agent(record);
        Vm current = vm;
        try {
            requireAlive(current);
            return call.apply(session);
        } catch (AgentException | VcTimeoutException e) {
            if (!current.isAlive()) {
                throw new HypervisorException(deadMessage(current), e);
            }
            throw e;
        }
    }

    private static void requireAlive(Vm vm) {
        if (!vm.isAlive()) {
            throw new HypervisorException(deadMessage(vm));
        }
    }

    private static String deadMessage(Vm vm) {
        return vm.deathReason().orElse("the VM (pid " + vm.record().pid() + ") is not running");
    }

    /**
     * Closes the agent connection and ends the VM, whether this object holds it, another process started
     * it, or it is already gone (then only its files are removed).
     */
    private synchronized void releaseVm(SandboxRecord record, Duration grace) {
        closeAgent();
        Vm current = vm;
        vm = null;
        if (current == null && record.vm() != null && vc.hypervisor().isRunning(record.vm())) {
            try {
                current = vc.hypervisor().attach(record.vm(), vc.store().runDir(id()), config.agent().callTimeout());
            } catch (VcException e) {
                current = null; // its control socket does not answer: destroy() kills it without QMP
            }
        }
        if (current != null) {
            current.stop(grace);
        } else if (record.vm() != null) {
            vc.hypervisor().destroy(record.vm(), vc.store().runDir(id()));
        }
    }
}
