package dev.vc4j.internal;

import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.SandboxStatus;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link Sandbox} learns without being told: that its VM ended without a stop, that a process died while
 * it booted a VM, that the guest's kernel killed a container's process for want of memory, and which containers'
 * exits nobody watched. Each is recorded as a stop or an exit would have been.
 *
 * <p>A VM's end is noticed at once for a VM that the sandbox's object holds (the VM's monitor connection breaks
 * within milliseconds of QEMU's death, and its {@link GuestLink} tells {@link #vmEnded}), or found later by
 * {@link Sandbox#status()} and {@link VirtContainers#cleanup()} in any process. Either way the sandbox records the
 * end under its exclusive lock.
 */
public final class GuestNotices {
    private final StoredSandbox stored;
    private final GuestLink link;
    private final ContainerRuns runs;
    private final OciHooks hooks;
    private final Events events;

    public GuestNotices(StoredSandbox stored, GuestLink link, ContainerRuns runs, OciHooks hooks, Events events) {
        this.stored = stored;
        this.link = link;
        this.runs = runs;
        this.hooks = hooks;
        this.events = events;
    }

    /** The stored status, after the exits of containers that nobody here watched were looked up in the agent. */
    public SandboxStatus status() {
        SandboxStatus status = storedStatus();
        if (status.hypervisorAlive() && status.containers().stream().anyMatch(runs::unwatched)) {
            runs.recordUnseenExits();
            return storedStatus();
        }
        return status;
    }

    /** The status as stored, without asking the guest; a VM found dead is recorded as ended first. */
    public SandboxStatus storedStatus() {
        try (var lock = stored.lock(false)) {
            SandboxRecord record = stored.load();
            if (record.vm() == null || link.isRunning(record.vm())) {
                return stored.status(record);
            }
        }
        try (var lock = stored.lock(true)) {
            reclaim(); // looks again under the exclusive lock
        }
        return storedStatus();
    }

    /**
     * The VM {@code watched} has ended unasked. Nothing is done when the record names no VM or another one: the
     * sandbox was stopped, deleted or started again meanwhile, perhaps by another process.
     */
    public void vmEnded(VmRecord watched) {
        try (var lock = stored.lock(true)) {
            Optional<SandboxRecord> record = stored.read();
            if (record.isPresent() && watched.equals(record.get().vm())) {
                recordEnded(record.get());
            }
        } catch (NotFoundException deleted) {
            // deleted meanwhile: nothing left to record
        } catch (RuntimeException e) {
            Logs.SANDBOX.warn("recording the end of the sandbox's VM failed: {}", Logs.failure(e));
        }
    }

    /**
     * The VM of {@code record}, known to be gone, ended without a stop: as a stop does, its files are removed, its
     * containers and the sandbox moved to stopped (the containers' exit events before the sandbox's), and the
     * poststop hooks run. The caller holds the exclusive lock.
     */
    private void recordEnded(SandboxRecord record) {
        Logs.SANDBOX.warn(
                "the VM (QEMU pid {}) ended without a stop: the sandbox and its containers are recorded " + "stopped",
                record.vm().pid());
        link.endVm(record, Duration.ZERO);
        runs.endedWithVm(false);
        stored.write(record.withState(record.state().moveTo(SandboxState.STOPPED, stored.id()), null));
        events.publish(stored.id(), SandboxEvent.Type.EXIT);
        hooks.poststop(record);
    }

    /**
     * A sandbox whose VM is gone is moved to stopped and the VM's files removed; one without state (the run path
     * did not survive a reboot) gets a stopped state. A VM launched and never recorded (its process died while
     * booting it) is ended; when that boot was the sandbox's create, which never returned it to anyone, the
     * sandbox is removed. Returns whether anything changed. The caller holds the exclusive lock.
     */
    public boolean reclaim() {
        Optional<SandboxRecord> current = stored.read();
        if (current.map(r -> r.vm() == null).orElse(true) && link.launchedUnrecorded()) {
            link.endVm(current.orElseGet(stored::afterReboot), Duration.ZERO);
            if (current.isEmpty()) {
                stored.delete();
            }
            return true;
        }
        if (current.isEmpty()) {
            stored.write(stored.afterReboot());
            return true;
        }
        SandboxRecord record = current.get();
        if (record.vm() == null || link.isRunning(record.vm())) {
            return false;
        }
        recordEnded(record);
        return true;
    }

    /**
     * The agent saw an OOM kill in the cgroup of {@code containerId} (its init or another of its processes, which
     * may keep running): the OOM event goes out, for a container the store still has. Called by the OOM watch of
     * the sandbox's agent session, without the lock.
     */
    public void oomKilled(String containerId) {
        try (var log = LogContext.container(stored.id(), containerId)) {
            if (stored.readContainer(containerId).isPresent()) {
                Logs.CONTAINER.warn("the kernel killed a process of the container: out of memory");
                events.publish(stored.id(), SandboxEvent.Type.OOM, containerId, null);
            }
        }
    }
}
