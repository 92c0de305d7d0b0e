package dev.vc4j;

import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.SandboxRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Runs of the containers of one {@link Sandbox} object: starting (and starting again) in the guest, and
 * noticing the end of a run nobody asked for. Each started container gets a waiter thread in this process
 * that waits for its init process in bounded slices until it exits or the agent session closes; the exit is
 * recorded (stopped, exit code, finish time, OOM kill), events go out, and the restart policy is applied.
 */
final class ContainerRuns {
    private static final System.Logger LOG = System.getLogger(ContainerRuns.class.getName());
    /** One wait of a waiter; a long-running container costs one call per slice. */
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);
    private static final String INIT = "";

    private final Sandbox sandbox;

    ContainerRuns(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /**
     * Starts a ready container, or creates a stopped one again in the guest and starts it. The caller holds
     * the sandbox's exclusive lock and has checked the state and the dependencies.
     */
    void start(ContainerConfig config, SandboxRecord sandboxRecord, ContainerRecord record, int restartCount) {
        String id = config.id();
        AgentSession agent = sandbox.link().session(sandboxRecord);
        if (record.status().state() == ContainerState.STOPPED) {
            try {
                agent.removeContainer(id);
            } catch (AgentException e) {
                // not in the guest any more (its VM was restarted): it is created afresh below either way
            }
            sandbox.launcher().create(config, agent);
        }
        agent.startContainer(id);
        // millisecond precision survives the store's round trip, so a waiter can tell its run from a later one
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        sandbox.vc().store().writeContainerState(sandbox.id(), record.started(startedAt, restartCount));
        sandbox.publish(SandboxEvent.Type.START, id, null);
        Thread waiter = new Thread(() -> awaitExit(agent, id, startedAt), "vc4j-exit-" + sandbox.id() + "-" + id);
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Records how the run of {@code id} begun at {@code startedAt} ended, once (whoever saw the exit first),
     * and starts it again when its policy says so. The caller holds the sandbox's exclusive lock.
     */
    void ended(String id, Instant startedAt, ProcessExit exit) {
        Optional<ContainerRecord> stored = sandbox.vc().store().readContainerState(sandbox.id(), id);
        if (stored.isEmpty() || stored.get().status().state() == ContainerState.STOPPED
                || !startedAt.equals(stored.get().status().startedAt())) {
            return; // deleted, or this run's end was recorded already
        }
        ContainerRecord record = stored.get();
        ContainerRecord stopped = record.exited(exit, Instant.now());
        sandbox.vc().store().writeContainerState(sandbox.id(), stopped);
        if (exit.oomKilled()) {
            sandbox.publish(SandboxEvent.Type.OOM, id, null);
        }
        sandbox.publish(SandboxEvent.Type.EXIT, id, exit.exitCode());
        ContainerConfig config = sandbox.vc().store().readContainerConfig(sandbox.id(), id);
        int restarts = record.status().restartCount();
        if (config.restartPolicy().restarts(record.stoppedByUser(), exit.exitCode(), restarts)) {
            start(config, sandbox.load(), stopped, restarts + 1);
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
}
