package dev.vc4j.internal;

import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxState;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;

import java.time.Duration;
import java.util.Optional;

/**
 * Moves a sandbox to stopped when its VM ends without anyone asking: noticed at once for a VM that its
 * {@link Sandbox} object holds (the VM's monitor connection breaks within milliseconds of QEMU's death), or
 * found later by {@link Sandbox#status()} and {@link VirtContainers#cleanup()} in any process. Either way the
 * same steps run under the sandbox's exclusive lock: the VM's leftover run files are removed, its running
 * containers are stopped (exit code 137, as killed with the VM), STOPPED is persisted, the events go out and
 * the poststop hooks run.
 */
public final class VmEndWatch {
    private static final System.Logger LOG = System.getLogger(VmEndWatch.class.getName());

    private final Sandbox sandbox;

    public VmEndWatch(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** Watches a VM the sandbox's link has taken hold of, until it ends or the link lets go of it. */
    public void watch(Vm vm) {
        VmRecord watched = vm.record();
        vm.onExit(() -> ended(watched));
    }

    /**
     * The VM {@code watched} has ended. Nothing is done when a stop or delete through this object ended it, or
     * when the record names no VM or another one: the sandbox was stopped, deleted or started again meanwhile,
     * perhaps by another process.
     */
    private void ended(VmRecord watched) {
        if (sandbox.link().endedHere(watched)) {
            return;
        }
        try (var lock = sandbox.lock(true)) {
            Optional<SandboxRecord> stored = sandbox.vc().store().readState(sandbox.id());
            if (stored.isPresent() && watched.equals(stored.get().vm())) {
                recordStopped(stored.get());
            }
        } catch (NotFoundException deleted) {
            // deleted meanwhile: nothing left to record
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recording the end of the VM of sandbox " + sandbox.id() + " failed", e);
        }
    }

    /**
     * Records that the VM of {@code record}, known to be gone, has ended: its files are removed, its containers
     * and the sandbox moved to stopped, and the containers' exit events published before the sandbox's. The
     * caller holds the sandbox's exclusive lock.
     */
    public void recordStopped(SandboxRecord record) {
        sandbox.link().endVm(record, Duration.ZERO);
        sandbox.runs().endedWithVm(false);
        sandbox.vc().store().writeState(record.withState(record.state().moveTo(SandboxState.STOPPED, sandbox.id()), null));
        sandbox.vc().events().publish(SandboxEvent.of(sandbox.id(), SandboxEvent.Type.EXIT));
        sandbox.hooks().poststop(record);
    }
}
