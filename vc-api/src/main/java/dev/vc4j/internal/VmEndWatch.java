package dev.vc4j.internal;

import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.VmRecord;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Moves a sandbox to stopped when its VM ends without anyone asking: noticed at once for a VM that its
 * {@link Sandbox} object holds (the VM's monitor connection breaks within milliseconds of QEMU's death, and
 * its {@link GuestLink} tells), or found later by {@link Sandbox#status()} and {@link VirtContainers#cleanup()}
 * in any process. Either way the sandbox records the end under its exclusive lock.
 */
public final class VmEndWatch {
    private final StoredSandbox stored;
    /** Records the end of the VM of the record it gets; called with the exclusive lock held. */
    private final Consumer<SandboxRecord> recordEnded;

    public VmEndWatch(StoredSandbox stored, Consumer<SandboxRecord> recordEnded) {
        this.stored = stored;
        this.recordEnded = recordEnded;
    }

    /**
     * The VM {@code watched} has ended unasked. Nothing is done when the record names no VM or another one: the
     * sandbox was stopped, deleted or started again meanwhile, perhaps by another process.
     */
    public void ended(VmRecord watched) {
        try (var lock = stored.lock(true)) {
            Optional<SandboxRecord> record = stored.read();
            if (record.isPresent() && watched.equals(record.get().vm())) {
                recordEnded.accept(record.get());
            }
        } catch (NotFoundException deleted) {
            // deleted meanwhile: nothing left to record
        } catch (RuntimeException e) {
            Logs.SANDBOX.warn("recording the end of the sandbox's VM failed: {}", Logs.failure(e));
        }
    }
}
