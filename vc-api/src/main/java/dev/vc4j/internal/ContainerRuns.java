package dev.vc4j.internal;

import dev.vc4j.AgentException;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.HypervisorException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxEvent;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.SandboxRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs of the containers of one {@link Sandbox} object: starting (and starting again) in the guest, and
 * noticing the end of a run nobody asked for. Each started container gets a waiter thread in this process
 * that waits for its init process in bounded slices until it exits or the agent session closes; the exit is
 * recorded (stopped, exit code, finish time, OOM kill), the exit event goes out, and the restart policy is applied.
 * A run that nobody here watches (started by a closed Sandbox object or another process) is looked up in
 * the agent, which keeps exit statuses, when its status is read.
 */
public final class ContainerRuns {
    private static final System.Logger LOG = System.getLogger(ContainerRuns.class.getName());
    /** One wait of a waiter; a long-running container costs one call per slice. */
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);
    private static final String INIT = "";
    /**
     * A free control socket and agent channel answer within milliseconds; longer means another process holds
     * them, and a status read then shows the stored state rather than wait for them.
     */
    private static final Duration LOOKUP_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final Sandbox sandbox;
    /** The runs (container id and start time) a waiter of this object watches. */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    public ContainerRuns(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /**
     * Starts a ready container, or creates a stopped one again in the guest and starts it. The caller holds
     * the sandbox's exclusive lock and has checked the state and the dependencies.
     */
    public void start(ContainerConfig config, SandboxRecord sandboxRecord, ContainerRecord record, int restartCount) {
        String id = config.id();
        AgentSession agent = sandbox.link().session(sandboxRecord);
        if (record.status().state() == ContainerState.STOPPED) {
            try {
                agent.removeContainer(id);
            } catch (AgentException e) {
                // not in the guest any more (its VM was restarted): it is created afresh below either way
            }
            sandbox.launcher().create(config, sandboxRecord, agent);
        }
        agent.startContainer(id);
        // millisecond precision survives the store's round trip, so a waiter can tell its run from a later one
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long pid = agent.processStatus(id, INIT).pid();
        sandbox.vc().store().writeContainerState(sandbox.id(), record.started(startedAt, restartCount, pid));
        sandbox.publish(SandboxEvent.Type.START, id, null);
        String run = run(id, startedAt);
        watched.add(run);
        Thread waiter = new Thread(() -> {
            try {
                awaitExit(agent, id, startedAt);
            } finally {
                watched.remove(run);
            }
        }, "vc4j-exit-" + sandbox.id() + "-" + id);
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Starts the containers of the sandbox's config that are ready or stopped, each after its dependencies;
     * one deleted since is left out. The caller holds the sandbox's exclusive lock.
     */
    public void startAll(SandboxRecord sandboxRecord) {
        List<String> existing = sandbox.vc().store().listContainers(sandbox.id());
        for (ContainerConfig config : sandbox.config().containersInStartOrder()) {
            if (!existing.contains(config.id())) {
                continue;
            }
            ContainerRecord record = Container.load(sandbox.vc(), sandbox.id(), config.id());
            ContainerState state = record.status().state();
            if (state == ContainerState.READY || state == ContainerState.STOPPED) {
                start(config, sandboxRecord, record, 0);
            }
        }
    }

    /**
     * Records how the run of {@code id} begun at {@code startedAt} ended, once (whoever saw the exit first),
     * and starts it again when its policy says so. The caller holds the sandbox's exclusive lock.
     */
    public void ended(String id, Instant startedAt, ProcessExit exit) {
        Optional<ContainerRecord> recorded = record(id, startedAt, exit);
        if (recorded.isEmpty()) {
            return;
        }
        ContainerRecord record = recorded.get();
        ContainerConfig config = sandbox.vc().store().readContainerConfig(sandbox.id(), id);
        int restarts = record.status().restartCount();
        if (config.restartPolicy().restarts(record.stoppedByUser(), exit.exitCode(), restarts)) {
            start(config, sandbox.load(), record, restarts + 1);
        }
    }

    /**
     * Records the exits the agent knows of and the store does not: runs that ended while no waiter watched
     * them. Only the record and its events: the restart policy is the business of a waiter, so a status read
     * never starts a container. Takes the sandbox's lock itself (shared to look, exclusive to record), so
     * the caller must not hold it. Best effort: a VM or agent that cannot be reached leaves the records as
     * they are.
     */
    public void recordUnseenExits() {
        List<Runnable> records = new ArrayList<>();
        try (var lock = sandbox.lock(false)) {
            SandboxRecord sandboxRecord = sandbox.load();
            List<ContainerRecord> unwatched = sandbox.vc().store().listContainers(sandbox.id()).stream()
                    .map(cid -> Container.load(sandbox.vc(), sandbox.id(), cid))
                    .filter(c -> unwatched(c.status())).toList();
            if (unwatched.isEmpty() || sandboxRecord.vm() == null
                    || !sandbox.vc().hypervisor().isRunning(sandboxRecord.vm())) {
                return; // a VM that is gone is cleanup()'s: every container ended with it
            }
            List<ProcessStatus> statuses = sandbox.link().call(sandboxRecord, LOOKUP_CONNECT_TIMEOUT,
                    agent -> unwatched.stream().map(c -> agent.processStatus(c.id(), INIT)).toList());
            for (int i = 0; i < unwatched.size(); i++) {
                ContainerRecord c = unwatched.get(i);
                ProcessStatus status = statuses.get(i);
                if (status.exited()) {
                    records.add(() -> record(c.id(), c.status().startedAt(), status.exit()));
                }
            }
        } catch (AgentException | HypervisorException | VcTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "the exits of sandbox " + sandbox.id() + " could not be looked up", e);
            return;
        }
        if (!records.isEmpty()) {
            try (var lock = sandbox.lock(true)) {
                records.forEach(Runnable::run);
            }
        }
    }

    /** Whether {@code status} is of a run that may have ended with nobody here to notice. */
    public boolean unwatched(ContainerStatus status) {
        return (status.state() == ContainerState.RUNNING || status.state() == ContainerState.PAUSED)
                && !watched.contains(run(status.id(), status.startedAt()));
    }

    /** The stopped record, or empty when the container was deleted or this run's end was recorded already. */
    private Optional<ContainerRecord> record(String id, Instant startedAt, ProcessExit exit) {
        Optional<ContainerRecord> stored = sandbox.vc().store().readContainerState(sandbox.id(), id);
        if (stored.isEmpty() || stored.get().status().state() == ContainerState.STOPPED
                || !startedAt.equals(stored.get().status().startedAt())) {
            return Optional.empty();
        }
        ContainerRecord stopped = stored.get().exited(exit, Instant.now());
        sandbox.vc().store().writeContainerState(sandbox.id(), stopped);
        // an OOM kill was published as it happened (oomKilled): the status keeps it, no second event
        sandbox.publish(SandboxEvent.Type.EXIT, id, exit.exitCode());
        return Optional.of(stopped);
    }

    /**
     * The agent saw an OOM kill in the cgroup of {@code id} (its init or another of its processes, which may keep
     * running): the OOM event goes out, for a container the store still has. Called by the {@link OomWatcher}
     * of the sandbox's agent session, without the sandbox's lock.
     */
    public void oomKilled(String id) {
        if (sandbox.vc().store().readContainerState(sandbox.id(), id).isPresent()) {
            sandbox.publish(SandboxEvent.Type.OOM, id, null);
        }
    }

    private void awaitExit(AgentSession agent, String id, Instant startedAt) {
        ProcessExit exit = null;
        while (exit == null) {
            try {
                exit = agent.waitProcess(id, INIT, WAIT_SLICE);
            } catch (VcTimeoutException e) {
                // still running: wait another slice
            } catch (RuntimeException e) {
                return; // the session closed, the container was removed or its VM is gone: no run left to watch
            }
        }
        try (var lock = sandbox.lock(true)) {
            ended(id, startedAt, exit);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recording the exit of container " + id + " failed", e);
        }
    }

    private static String run(String id, Instant startedAt) {
        return id + "@" + startedAt;
    }

    /**
     * Their processes ended with the VM. {@code byUser}: the sandbox was stopped, so no restart policy
     * applies; else the VM died, which a user did not ask for.
     */
    public void endedWithVm(boolean byUser) {
        Instant now = Instant.now();
        for (String cid : sandbox.vc().store().listContainers(sandbox.id())) {
            ContainerRecord c = Container.load(sandbox.vc(), sandbox.id(), cid);
            if (c.status().state() != ContainerState.STOPPED) {
                ContainerRecord ended = c.killedWithVm(now);
                sandbox.vc().store().writeContainerState(sandbox.id(), byUser ? ended.askedToStop() : ended);
                sandbox.publish(SandboxEvent.Type.EXIT, cid, ended.status().exitCode());
            }
        }
    }
}
