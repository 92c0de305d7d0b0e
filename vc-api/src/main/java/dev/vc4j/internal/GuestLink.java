package dev.vc4j.internal;

import dev.vc4j.AgentException;
import dev.vc4j.BootTimings;
import dev.vc4j.ErrorCode;
import dev.vc4j.HypervisorException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VcException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one {@link Sandbox} object holds in memory: its handle on the VM and its session with the agent, with
 * the session's {@link OomWatcher}.
 * Either may be missing (after close(), or in a process that fetched the sandbox) or stale (the VM was
 * replaced by another process); each call checks against the persisted record and connects again.
 * Callers hold the sandbox's lock.
 *
 * <p>A VM it holds is watched: the moment it ends without this link ending it (killed, crashed, powered off
 * from inside), it is told, so that the sandbox is recorded stopped at once.
 */
public final class GuestLink {
    /** A free control socket greets within milliseconds; waiting longer only delays the kill. */
    private static final Duration ATTACH_TO_END = Duration.ofSeconds(2);
    /**
     * How long a call whose agent connection broke waits for the VM's end to be confirmed. A killed QEMU's
     * sockets close together, so its monitor's EOF follows the agent's within milliseconds.
     */
    private static final Duration DEATH_NOTICE = Duration.ofSeconds(1);

    private final SandboxConfig config;
    private final Path runDir;
    private final Path hostCache;
    /** Made when a VM boots: a sandbox's object is made without touching anything. */
    private final Supplier<Path> sharedDir;

    private final Hypervisor hypervisor;
    private final Agent agentDriver;
    private final Network networkDriver;
    /** Runs in a network namespace vc4j created, before its interfaces are read: the prestart hooks. */
    private final Consumer<Path> fillNamespace;
    /** Told of a VM this link held (booted or attached) that ended without this link ending it. */
    private final Consumer<VmRecord> endedUnasked;
    /** Told of each container with an OOM kill, while this link holds an agent session. */
    private final Consumer<String> oomKilled;

    private Vm vm;
    private AgentSession agent;
    private OomWatcher oomWatcher;
    /** The VM this link last ended ({@link #endVm}, or a failed boot's undo): its end was asked for, not noticed. */
    private volatile VmRecord ended;

    public GuestLink(
            SandboxConfig config,
            Path runDir,
            Path hostCache,
            Supplier<Path> sharedDir,
            Hypervisor hypervisor,
            Agent agentDriver,
            Network networkDriver,
            Consumer<Path> fillNamespace,
            Consumer<VmRecord> endedUnasked,
            Consumer<String> oomKilled) {
        this.config = config;
        this.runDir = runDir;
        this.hostCache = hostCache;
        this.sharedDir = sharedDir;
        this.hypervisor = hypervisor;
        this.agentDriver = agentDriver;
        this.networkDriver = networkDriver;
        this.fillNamespace = fillNamespace;
        this.endedUnasked = endedUnasked;
        this.oomKilled = oomKilled;
    }

    /**
     * Wires the network (in a namespace vc4j creates, once {@code fillNamespace} has run in it), boots a VM with
     * the sandbox's shared directory, connects to its agent and has it set the guest up (interfaces, routes, DNS,
     * hooks, the shared directory), registering each step's undo. Returns the timings.
     */
    public synchronized BootTimings boot(Undo undo, long startedNanos) {
        close(); // a handle on an earlier VM, ended since by another process
        String id = config.id();
        undo.push("take back the network", () -> networkDriver.detach(id, runDir));
        networkDriver.createNamespace(id, runDir, config.network()).ifPresent(fillNamespace);
        List<NetworkEndpoint> network = networkDriver.attach(id, runDir, config.network());

        Vm started = hypervisor.start(new VmSpec(
                id,
                config.hostname(),
                config.hypervisor(),
                network,
                runDir,
                hostCache,
                config.volumes(),
                List.of(),
                sharedDir.get()));
        undo.push("stop the VM", () -> {
            ended = started.record();
            started.stop(Duration.ZERO);
        });

        long agentWaitStarted = System.nanoTime();
        Duration startTimeout =
                config.hypervisor().startTimeoutFor(started.record().accelerator());
        Duration left = startTimeout.minus(started.timeToControlReady());
        AgentSession session = agentDriver.connect(
                started.agentChannel(),
                config.agent(),
                left.isNegative() ? Duration.ZERO : left,
                () -> requireAlive(started));
        undo.push("close the agent connection", session::close);
        // A VM that dies mid-call must fail the call now, not at its deadline.
        started.onExit(LogContext.carried(session::close));
        vm = started;
        useAgent(session);
        watch(started);
        GuestSetup.apply(session, started.guestNetwork(network), config.hostname(), config.agent());

        long now = System.nanoTime();
        Duration agentReady = started.timeToControlReady().plusNanos(now - agentWaitStarted);
        return new BootTimings(started.timeToControlReady(), agentReady, Duration.ofNanos(now - startedNanos));
    }

    public synchronized VmRecord vmRecord() {
        return vm.record();
    }

    /** The VM of {@code record}, attaching to it when this object holds no handle or a stale one. */
    public synchronized Vm vm(SandboxRecord record) {
        return vm(record, config.agent().callTimeout());
    }

    private Vm vm(SandboxRecord record, Duration connectTimeout) {
        if (vm != null && !vm.record().equals(record.vm())) {
            close(); // another process replaced or removed the VM since we last looked
        }
        if (vm == null) {
            if (record.vm() == null) {
                throw new HypervisorException("sandbox `" + config.id() + "` has no VM recorded");
            }
            vm = hypervisor.attach(record.vm(), runDir, connectTimeout);
            watch(vm);
        }
        return vm;
    }

    /** Calls the agent; a failure caused by a dead VM is reported as what it is. */
    public synchronized <T> T call(SandboxRecord record, Function<AgentSession, T> rpc) {
        return call(record, config.agent().callTimeout(), rpc);
    }

    /**
     * As {@link #call(SandboxRecord, Function)}, waiting at most {@code connectTimeout} for the VM's control
     * socket and the agent's channel when this object is not connected yet. Each serves one client at a time,
     * so while another process holds them a connection waits: a lookup with a stored answer to fall back on
     * gives up early.
     */
    synchronized <T> T call(SandboxRecord record, Duration connectTimeout, Function<AgentSession, T> rpc) {
        Vm current = vm(record, connectTimeout);
        if (agent == null) {
            // each connection starts with a fresh handshake, so stale bytes of an earlier one are discarded
            AgentSession session = agentDriver.connect(
                    current.agentChannel(), config.agent(), connectTimeout, () -> requireAlive(current));
            current.onExit(LogContext.carried(session::close));
            useAgent(session);
        }
        try {
            requireAlive(current);
            return rpc.apply(agent);
        } catch (AgentException | VcTimeoutException e) {
            Duration notice = e.code() == ErrorCode.AGENT_UNREACHABLE ? DEATH_NOTICE : Duration.ZERO;
            if (current.awaitEnd(notice)) {
                throw new HypervisorException(deadMessage(current), e);
            }
            throw e;
        }
    }

    /**
     * The agent session for {@code record}'s VM, for calls that wait long (a process's exit): made outside this
     * object's monitor, they do not hold up the sandbox's other calls.
     */
    public synchronized AgentSession session(SandboxRecord record) {
        return call(record, session -> session);
    }

    /**
     * Runs {@code rpc} on {@code session} (from {@link #session}, taken under the sandbox's lock) holding neither
     * that lock nor this object's monitor, for a call that lasts as long as the guest wants: a stop or delete
     * meanwhile goes ahead, closing the session, and the call then fails saying that its VM ended.
     */
    public <T> T callUnheld(AgentSession session, String what, Function<AgentSession, T> rpc) {
        Vm current = currentVm();
        try {
            return rpc.apply(session);
        } catch (VcException e) {
            boolean held = holds(session);
            if (held && e.code() != ErrorCode.AGENT_UNREACHABLE) {
                throw e;
            }
            // A lost connection may be its VM dying: the socket closes a moment before the JVM sees QEMU exit.
            boolean ended = current != null && current.awaitEnd(DEATH_NOTICE);
            if (held && !ended) {
                throw e;
            }
            // a VM that died says how (QEMU's exit status): the user's stop or a kill reads differently
            String how =
                    ended ? current.deathReason().map(reason -> ": " + reason).orElse("") : "";
            throw new HypervisorException(
                    "the VM of sandbox `" + config.id() + "` was stopped or ended while " + what + " ran" + how, e);
        }
    }

    private synchronized Vm currentVm() {
        return vm;
    }

    private synchronized boolean holds(AgentSession session) {
        return agent == session && vm != null && vm.isAlive();
    }

    /**
     * Closes the agent connection and ends the VM of {@code record}, whether this object holds it, another
     * process started it, or it is already gone (then only its files are removed); then takes back the
     * network, which any process can do. A record without a VM ends the one launched but never recorded
     * ({@link #launchedUnrecorded}).
     */
    public synchronized void endVm(SandboxRecord record, Duration grace) {
        VmRecord target =
                record.vm() != null ? record.vm() : hypervisor.launched(runDir).orElse(null);
        ended = target;
        if (vm != null && !vm.record().equals(target)) {
            close();
        }
        Vm current = vm;
        closeAgent();
        vm = null;
        if (current == null && target != null && hypervisor.isRunning(target)) {
            try {
                current = hypervisor.attach(target, runDir, ATTACH_TO_END);
            } catch (VcException e) {
                // QEMU serves one QMP client at a time: while another process holds the VM's control
                // connection it never greets us. destroy() ends the VM without QMP.
                current = null;
            }
        }
        if (current != null) {
            current.stop(grace);
        } else if (target != null) {
            hypervisor.destroy(target, runDir);
        }
        networkDriver.detach(config.id(), runDir);
    }

    /**
     * Whether a VM was launched for this sandbox and never recorded in its state: the process booting it died
     * before the agent answered. The caller holds the lock and found no VM in the state.
     */
    public boolean launchedUnrecorded() {
        return hypervisor.launched(runDir).isPresent();
    }

    /** Whether {@code vm} runs: a VM ended by any process, or found dead, does not. */
    public boolean isRunning(VmRecord vm) {
        return hypervisor.isRunning(vm);
    }

    /** Releases the agent connection and the VM's control connections; the VM keeps running. */
    public synchronized void close() {
        closeAgent();
        if (vm != null) {
            vm.close();
            vm = null;
        }
    }

    /**
     * Tells {@link #endedUnasked} when {@code held} ends, unless this link ended it (stop, delete, undone boot); on
     * the driver's thread, which logs for the sandbox.
     */
    private void watch(Vm held) {
        VmRecord watched = held.record();
        held.onExit(LogContext.carried(() -> {
            try (var log = LogContext.sandbox(config.id())) { // attached by a call that may name a container
                if (!watched.equals(ended)) {
                    endedUnasked.accept(watched);
                }
            }
        }));
    }

    private void useAgent(AgentSession session) {
        agent = session;
        oomWatcher = OomWatcher.start(config.id(), session, oomKilled);
    }

    private void closeAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
            oomWatcher.stop();
            oomWatcher = null;
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
}
