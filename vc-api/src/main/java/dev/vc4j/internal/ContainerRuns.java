package dev.vc4j.internal;

import dev.vc4j.AgentException;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.HypervisorException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.SandboxRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs of the containers of one {@link Sandbox} object: starting (and starting again) in the guest, and
 * noticing the end of a run nobody asked for. Each started container gets a waiter thread in this process
 * that waits for its init process in bounded slices until it exits or the agent session closes; the exit is
 * recorded (stopped, exit code, finish time, OOM kill), the exit event goes out, and the restart policy is applied
 * (with {@link RestartBackoff}'s delay, outside the lock).
 * A run that nobody here watches (started by a closed Sandbox object or another process) is looked up in
 * the agent, which keeps exit statuses, when its status is read.
 */
public final class ContainerRuns {
    /** One wait of a waiter; a long-running container costs one call per slice. */
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);

    private static final String INIT = "";
    /**
     * A free control socket and agent channel answer within milliseconds on an idle host, but a TCG guest on a
     * loaded 2-core host took over 2 s to answer a fresh process's hello (ContainersIT's status from another JVM
     * then showed a stale RUNNING). Past this, another process most likely holds them, and a status read shows
     * the stored state rather than wait longer.
     */
    private static final Duration LOOKUP_CONNECT_TIMEOUT = Duration.ofSeconds(6);

    private final StoredSandbox stored;
    private final GuestLink link;
    private final ContainerLauncher launcher;
    private final Events events;
    /** The sandbox states its containers can be started in (see Sandbox's create-container states). */
    private static final Set<SandboxState> RESTART_STATES = EnumSet.of(SandboxState.READY, SandboxState.RUNNING);

    /** The runs (container id and start time) a waiter of this object watches. */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    private final RestartBackoff backoff = new RestartBackoff();

    public ContainerRuns(StoredSandbox stored, GuestLink link, ContainerLauncher launcher, Events events) {
        this.stored = stored;
        this.link = link;
        this.launcher = launcher;
        this.events = events;
    }

    /**
     * Starts a ready container, or creates a stopped one again in the guest and starts it. The caller holds
     * the sandbox's exclusive lock and has checked the state and the dependencies.
     */
    public void start(ContainerConfig config, SandboxRecord sandboxRecord, ContainerRecord record) {
        try (var log = LogContext.container(stored.id(), config.id())) {
            recordStarted(config, sandboxRecord, record, 0, startInGuest(config, sandboxRecord, record));
            Logs.CONTAINER.info("container started in {} ms", log.elapsedMillis());
        }
    }

    /** A run begun in the guest and not recorded yet. */
    private record GuestStart(AgentSession agent, Instant startedAt, long pid) {}

    private GuestStart startInGuest(ContainerConfig config, SandboxRecord sandboxRecord, ContainerRecord record) {
        String id = config.id();
        AgentSession agent = link.session(sandboxRecord);
        if (record.status().state() == ContainerState.STOPPED) {
            try {
                agent.removeContainer(id);
            } catch (NotFoundException | AgentException e) {
                // not in the guest any more (its VM was restarted): it is created afresh below either way
            }
            launcher.create(config, sandboxRecord, agent);
        }
        agent.startContainer(id);
        // millisecond precision survives the store's round trip, so a waiter can tell its run from a later one
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new GuestStart(agent, startedAt, agent.processStatus(id, INIT).pid());
    }

    /** The waiter it starts names the container in its log lines. The caller holds the exclusive lock. */
    private void recordStarted(
            ContainerConfig config,
            SandboxRecord sandboxRecord,
            ContainerRecord record,
            int restartCount,
            GuestStart started) {
        String id = config.id();
        stored.writeContainer(ContainerRecords.started(record, started.startedAt(), restartCount, started.pid()));
        events.publish(stored.id(), SandboxEvent.Type.START, id, null);
        launcher.hooks().started(config, sandboxRecord.vm().pid());
        String run = run(id, started.startedAt());
        watched.add(run);
        Thread waiter = LogContext.daemonThread("vc4j-exit-" + stored.id() + "-" + id, () -> {
            try {
                awaitExit(started.agent(), id, started.startedAt());
            } finally {
                watched.remove(run);
            }
        });
        waiter.start();
    }

    /**
     * Starts those of {@code inStartOrder} (the sandbox config's containers, each after its dependencies) that are
     * ready or stopped; one deleted since is left out. The caller holds the sandbox's exclusive lock.
     */
    public void startAll(SandboxRecord sandboxRecord, List<ContainerConfig> inStartOrder) {
        List<String> existing = stored.containerIds();
        for (ContainerConfig config : inStartOrder) {
            if (!existing.contains(config.id())) {
                continue;
            }
            ContainerRecord record = stored.container(config.id());
            ContainerState state = record.status().state();
            if (state == ContainerState.READY || state == ContainerState.STOPPED) {
                start(config, sandboxRecord, record);
            }
        }
    }

    /**
     * Records how the run of {@code id} begun at {@code startedAt} ended, once (whoever saw the exit first),
     * and when its policy says so has it started again after the {@link RestartBackoff} delay, on another
     * thread that takes the lock then. The caller holds the sandbox's exclusive lock.
     */
    public void ended(String id, Instant startedAt, ProcessExit exit) {
        Optional<ContainerRecord> recorded = record(id, startedAt, exit);
        if (recorded.isEmpty()) {
            return;
        }
        ContainerRecord record = recorded.get();
        ContainerConfig config = stored.containerConfig(id);
        int restarts = record.status().restartCount();
        if (config.restartPolicy().restarts(record.stoppedByUser(), exit.exitCode(), restarts)) {
            Duration delay = backoff.delay(id, startedAt, record.status().finishedAt());
            backoff.schedule(id, delay, () -> restart(config, record));
        }
    }

    /**
     * Starts {@code config}'s container again, unless since its exit was recorded as {@code stopped} someone
     * else started, stopped or deleted it, or the sandbox left the states containers run in. The guest's work
     * (remove, create, start: about a second under TCG) is done under the shared lock, so that reads of the
     * sandbox go on meanwhile; only recording the run takes the exclusive lock, checking again first.
     */
    private void restart(ContainerConfig config, ContainerRecord stopped) {
        int restartCount = stopped.status().restartCount() + 1;
        try (var log = LogContext.container(stored.id(), config.id())) {
            SandboxRecord sandboxRecord;
            GuestStart started;
            try (var lock = stored.lock(false)) {
                sandboxRecord = stored.load();
                if (!restartable(sandboxRecord, config.id(), stopped)) {
                    return;
                }
                started = startInGuest(config, sandboxRecord, stopped);
            }
            try (var lock = stored.lock(true)) {
                // changed meanwhile: whoever changed it owns the guest's container now
                if (restartable(stored.load(), config.id(), stopped)) {
                    recordStarted(config, sandboxRecord, stopped, restartCount, started);
                    Logs.CONTAINER.info(
                            "container started again by its restart policy in {} ms (restart {})",
                            log.elapsedMillis(),
                            restartCount);
                }
            }
        } catch (NotFoundException e) {
            // the sandbox was deleted meanwhile
        } catch (RuntimeException e) {
            Logs.CONTAINER.warn("starting the container again by its restart policy failed: {}", Logs.failure(e));
        }
    }

    private boolean restartable(SandboxRecord sandboxRecord, String id, ContainerRecord stopped) {
        if (!RESTART_STATES.contains(sandboxRecord.state())) {
            return false;
        }
        Optional<ContainerRecord> current = stored.readContainer(id);
        if (current.isEmpty()) {
            return false;
        }
        ContainerStatus now = current.get().status();
        return now.state() == ContainerState.STOPPED
                && !current.get().stoppedByUser()
                && Objects.equals(now.startedAt(), stopped.status().startedAt())
                && now.restartCount() == stopped.status().restartCount();
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
        try (var lock = stored.lock(false)) {
            SandboxRecord sandboxRecord = stored.load();
            List<ContainerRecord> unwatched = stored.containerIds().stream()
                    .map(stored::container)
                    .filter(c -> unwatched(c.status()))
                    .toList();
            if (unwatched.isEmpty() || sandboxRecord.vm() == null || !link.isRunning(sandboxRecord.vm())) {
                return; // a VM that is gone is cleanup()'s: every container ended with it
            }
            List<ProcessStatus> statuses = link.call(
                    sandboxRecord,
                    LOOKUP_CONNECT_TIMEOUT,
                    agent -> unwatched.stream()
                            .map(c -> agent.processStatus(c.id(), INIT))
                            .toList());
            for (int i = 0; i < unwatched.size(); i++) {
                ContainerRecord c = unwatched.get(i);
                ProcessStatus status = statuses.get(i);
                if (status.exited()) {
                    records.add(() -> record(c.id(), c.status().startedAt(), status.exit()));
                }
            }
        } catch (AgentException | HypervisorException | VcTimeoutException e) {
            Logs.CONTAINER.debug("the containers' exits could not be looked up: {}", Logs.failure(e));
            return;
        }
        if (!records.isEmpty()) {
            try (var lock = stored.lock(true)) {
                records.forEach(Runnable::run);
            }
        }
    }

    /**
     * The stopped record of {@code c} when its process has exited in the guest but its waiter has not recorded
     * the exit yet (it runs on its own thread, so a caller whose own wait returned can be first). The caller holds
     * the sandbox's exclusive lock; the waiter then finds the exit recorded and leaves it.
     */
    public Optional<ContainerRecord> recordIfExited(ContainerRecord c) {
        SandboxRecord sandboxRecord = stored.load();
        if (sandboxRecord.vm() == null) {
            return Optional.empty();
        }
        ProcessStatus status = link.call(sandboxRecord, agent -> agent.processStatus(c.id(), INIT));
        return status.exited() ? record(c.id(), c.status().startedAt(), status.exit()) : Optional.empty();
    }

    /** Whether {@code status} is of a run that may have ended with nobody here to notice. */
    public boolean unwatched(ContainerStatus status) {
        return (status.state() == ContainerState.RUNNING || status.state() == ContainerState.PAUSED)
                && !watched.contains(run(status.id(), status.startedAt()));
    }

    /** The stopped record, or empty when the container was deleted or this run's end was recorded already. */
    private Optional<ContainerRecord> record(String id, Instant startedAt, ProcessExit exit) {
        Optional<ContainerRecord> current = stored.readContainer(id);
        if (current.isEmpty()
                || current.get().status().state() == ContainerState.STOPPED
                || !startedAt.equals(current.get().status().startedAt())) {
            return Optional.empty();
        }
        ContainerRecord stopped = ContainerRecords.exited(current.get(), exit, Instant.now());
        stored.writeContainer(stopped);
        try (var log = LogContext.container(stored.id(), id)) {
            Logs.CONTAINER.info("container exited with code {}", exit.exitCode());
        }
        // an OOM kill was published as it happened (oomKilled): the status keeps it, no second event
        events.publish(stored.id(), SandboxEvent.Type.EXIT, id, exit.exitCode());
        return Optional.of(stopped);
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
        try (var lock = stored.lock(true)) {
            ended(id, startedAt, exit);
        } catch (RuntimeException e) {
            Logs.CONTAINER.warn("recording the container's exit failed: {}", Logs.failure(e));
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
        for (String cid : stored.containerIds()) {
            ContainerRecord c = stored.container(cid);
            if (c.status().state() != ContainerState.STOPPED) {
                ContainerRecord ended = ContainerRecords.killedWithVm(c, now);
                stored.writeContainer(byUser ? ContainerRecords.askedToStop(ended) : ended);
                try (var log = LogContext.container(stored.id(), cid)) {
                    Logs.CONTAINER.info("container ended with its VM");
                }
                events.publish(
                        stored.id(), SandboxEvent.Type.EXIT, cid, ended.status().exitCode());
            }
        }
    }
}
