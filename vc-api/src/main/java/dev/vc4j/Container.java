package dev.vc4j;

import dev.vc4j.ContainerState.Operation;
import dev.vc4j.internal.ContainerLauncher;
import dev.vc4j.internal.ContainerRecords;
import dev.vc4j.internal.ContainerRuns;
import dev.vc4j.internal.Events;
import dev.vc4j.internal.GuestLink;
import dev.vc4j.internal.Logs;
import dev.vc4j.internal.OciSpec;
import dev.vc4j.internal.StartOrder;
import dev.vc4j.internal.StoredSandbox;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.SandboxRecord;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * A container of a {@link Sandbox}. Like the sandbox's, every operation takes the sandbox's lock (shared to
 * read, exclusive to change), loads the container's persisted state, acts in the guest, persists; the states
 * each operation needs are {@link ContainerState.Operation}'s.
 */
public final class Container {
    /** Signals that end a process unless it handles them: sent by a user, they count as a stop. */
    private static final Set<Signal> STOPPING_SIGNALS = Set.of(Signal.INT, Signal.QUIT, Signal.KILL, Signal.TERM);
    /** How long one read of a process's output, or its wait, may block. */
    private static final Duration IO_TIMEOUT = Duration.ofMinutes(10);

    private static final String INIT = "";

    private final ContainerConfig config;
    private final StoredSandbox stored;
    private final GuestLink link;
    private final ContainerRuns runs;
    private final ContainerLauncher launcher;
    private final Events events;
    /** How long the agent has to report the end of a process killed by {@link #stop}. */
    private final Duration callTimeout;

    Container(
            ContainerConfig config,
            StoredSandbox stored,
            GuestLink link,
            ContainerRuns runs,
            ContainerLauncher launcher,
            Events events,
            Duration callTimeout) {
        this.config = config;
        this.stored = stored;
        this.link = link;
        this.runs = runs;
        this.launcher = launcher;
        this.events = events;
        this.callTimeout = callTimeout;
    }

    public String id() {
        return config.id();
    }

    public String sandboxId() {
        return stored.id();
    }

    public ContainerConfig config() {
        return config;
    }

    /** An exit that nobody here watched is looked up in the agent. */
    public ContainerStatus status() {
        try (var log = logged()) {
            ContainerStatus status = storedStatus();
            if (runs.unwatched(status)) {
                runs.recordUnseenExits();
                return storedStatus();
            }
            return status;
        }
    }

    private ContainerStatus storedStatus() {
        try (var lock = stored.lock(false)) {
            return stored.container(id()).status();
        }
    }

    /** Ready or stopped -> running, once every dependency runs; a stopped one is created again in the guest. */
    public void start() {
        try (var log = logged();
                var lock = stored.lock(true)) {
            ContainerRecord record = load();
            Operation.START.require(id(), record.status().state());
            Map<String, ContainerState> states = new HashMap<>();
            for (String dependency : config.dependencies()) {
                stored.readContainer(dependency)
                        .ifPresent(d -> states.put(dependency, d.status().state()));
            }
            StartOrder.requireDependenciesRunning(config, record.status().state(), states);
            runs.start(config, stored.load(), record);
        }
    }

    /**
     * Sends SIGTERM to the container's process, waits at most {@code timeout} for it to end, then kills every
     * process of the container. Returns the exit code. No restart policy applies to a stopped container.
     * A process that is pid 1 of its namespace (the container's own) ignores SIGTERM unless it handles it.
     */
    public int stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try (var log = logged();
                var lock = stored.lock(true)) {
            ContainerRecord record = load();
            Operation.STOP.require(id(), record.status().state());
            AgentSession agent = agent();
            if (record.status().state() == ContainerState.PAUSED) {
                agent.resumeContainer(id()); // a frozen process would take the signal only after a resume
            }
            agent.signalProcess(id(), INIT, Signal.TERM.number(), false);
            // only once the signal is sent, so that a failed stop leaves the restart policy in force; the
            // waiter cannot record the exit before: it needs the lock held here
            stored.writeContainer(ContainerRecords.askedToStop(record));
            ProcessExit exit;
            try {
                exit = agent.waitProcess(id(), INIT, timeout);
            } catch (VcTimeoutException e) {
                agent.signalProcess(id(), INIT, Signal.KILL.number(), true);
                exit = agent.waitProcess(id(), INIT, callTimeout);
            }
            runs.ended(id(), record.status().startedAt(), exit);
            Logs.CONTAINER.info("container stopped in {} ms", log.elapsedMillis());
            return exit.exitCode();
        }
    }

    /** Signals the container's own process; allowed while paused too (it gets the signal when resumed). */
    public void kill(Signal signal) {
        kill(signal, KillScope.MAIN_PROCESS);
    }

    /** Signals the container's own process or every process in it; allowed while paused too. */
    public void kill(Signal signal, KillScope scope) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(scope, "scope");
        try (var log = logged();
                var lock = stored.lock(true)) {
            ContainerRecord record = load();
            Operation.SIGNAL.require(id(), record.status().state());
            agent().signalProcess(id(), INIT, signal.number(), scope == KillScope.ALL_PROCESSES);
            if (STOPPING_SIGNALS.contains(signal)) { // after the signal, as in stop()
                stored.writeContainer(ContainerRecords.askedToStop(record));
            }
        }
    }

    /**
     * Waits at most {@code timeout} for the container's process to end and returns its exit code; for a
     * stopped container, the exit code of its last run. The lock is not held while waiting.
     */
    public int waitForExit(Duration timeout) {
        try (var log = logged()) {
            return awaitExit(timeout);
        }
    }

    private int awaitExit(Duration timeout) {
        ContainerRecord record;
        AgentSession agent;
        try (var lock = stored.lock(false)) {
            record = load();
            if (record.status().state() == ContainerState.STOPPED
                    && record.status().exitCode() != null) {
                return record.status().exitCode();
            }
            Operation.WAIT.require(id(), record.status().state());
            agent = agent();
        }
        ProcessExit exit = agent.waitProcess(id(), INIT, timeout);
        try (var lock = stored.lock(true)) {
            runs.ended(id(), record.status().startedAt(), exit);
        }
        return exit.exitCode();
    }

    /** Runs {@code cmd} in the running container; its stdio and exit are the returned process's. */
    public ContainerProcess exec(Cmd cmd) {
        Objects.requireNonNull(cmd, "cmd").validate("cmd");
        String execId = "exec-" + UUID.randomUUID().toString().substring(0, 13);
        return inState(Operation.EXEC, agent -> {
            agent.execProcess(id(), new dev.vc4j.spi.ProcessSpec(execId, OciSpec.process(cmd, "cmd"), cmd.tty()));
            events.publish(stored.id(), SandboxEvent.Type.EXEC_ADDED, id(), null);
            Logs.CONTAINER.info("process {} started in the container", execId);
            return new ContainerProcess(id(), execId, agent.processIo(id(), execId, IO_TIMEOUT));
        });
    }

    /** The container's own process: its stdio (kept by the guest from creation on) and exit. */
    public ContainerProcess process() {
        try (var log = logged();
                var lock = stored.lock(false)) {
            load();
            return new ContainerProcess(id(), INIT, agent().processIo(id(), INIT, IO_TIMEOUT));
        }
    }

    public void pause() {
        move(Operation.PAUSE, ContainerState.PAUSED, SandboxEvent.Type.PAUSE, AgentSession::pauseContainer);
    }

    public void resume() {
        move(Operation.RESUME, ContainerState.RUNNING, SandboxEvent.Type.RESUME, AgentSession::resumeContainer);
    }

    /** Changes the container's cgroup limits; what {@code resources} leaves null stays as it is. Needs running. */
    public void update(ContainerResources resources) {
        Objects.requireNonNull(resources, "resources").validate();
        LinuxResources linuxResources = OciSpec.resources(resources);
        inState(Operation.UPDATE, agent -> {
            agent.updateContainer(id(), linuxResources);
            return null;
        });
    }

    /** The container's counters: its cgroup's (memory, CPU, pids, I/O) and its network interfaces'. */
    public ContainerStats stats() {
        return inState(Operation.STATS, agent -> agent.containerStats(id()));
    }

    /** The container's processes, as ps shows them. */
    public List<GuestProcess> processes() {
        return inState(Operation.PROCESSES, agent -> agent.listProcesses(id()));
    }

    /** Deletes a container that is ready or stopped: {@link #delete(DeleteMode)} with REQUIRE_STOPPED. */
    public void delete() {
        delete(DeleteMode.REQUIRE_STOPPED);
    }

    /**
     * Removes the container from the guest (with {@link DeleteMode#FORCE}, killing what runs), unplugs its rootfs
     * drive or unmounts its directory rootfs from the shared directory, and removes its files.
     */
    public void delete(DeleteMode mode) {
        Objects.requireNonNull(mode, "mode");
        try (var log = logged();
                var lock = stored.lock(true)) {
            ContainerRecord record = load();
            if (mode == DeleteMode.REQUIRE_STOPPED) {
                if (record.status().state() == ContainerState.RUNNING) {
                    record = runs.recordIfExited(record).orElse(record);
                }
                Operation.DELETE.require(id(), record.status().state());
            }
            stored.writeContainer(ContainerRecords.askedToStop(record));
            SandboxRecord sandboxRecord = stored.load();
            if (sandboxRecord.vm() != null) {
                link.session(sandboxRecord).removeContainer(id());
                launcher.unplugRootfs(config, sandboxRecord);
            }
            stored.deleteContainer(id());
            events.publish(stored.id(), SandboxEvent.Type.DELETE, id(), null);
            launcher.hooks()
                    .deleted(
                            config,
                            sandboxRecord.vm() == null ? 0 : sandboxRecord.vm().pid());
            Logs.CONTAINER.info("container deleted in {} ms", log.elapsedMillis());
        }
    }

    private void move(
            Operation operation,
            ContainerState target,
            SandboxEvent.Type event,
            java.util.function.BiConsumer<AgentSession, String> rpc) {
        try (var log = logged();
                var lock = stored.lock(true)) {
            ContainerRecord record = load();
            operation.require(id(), record.status().state());
            rpc.accept(agent(), id());
            stored.writeContainer(ContainerRecords.withState(record, target));
            events.publish(stored.id(), event, id(), null);
            Logs.CONTAINER.info(
                    "container {} in {} ms", operation == Operation.PAUSE ? "paused" : "resumed", log.elapsedMillis());
        }
    }

    private <T> T inState(Operation operation, Function<AgentSession, T> rpc) {
        try (var log = logged();
                var lock = stored.lock(false)) {
            operation.require(id(), load().status().state());
            return rpc.apply(agent());
        }
    }

    /** Names this container and its sandbox in the log of the calling thread, and of what it starts. */
    private LogContext.Scope logged() {
        return LogContext.container(stored.id(), id());
    }

    private AgentSession agent() {
        return link.session(stored.load());
    }

    /**
     * The stored state; a container whose state did not survive a reboot is stopped. Throws
     * {@link NotFoundException} once the container is deleted. Caller holds the lock.
     */
    private ContainerRecord load() {
        stored.containerConfig(id());
        return stored.container(id());
    }
}
