package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A warm pool (Kata's VMCache): clones of the template of the shape last asked for, restored and kept paused
 * under {@code root}, each handed over whole to a new sandbox of that shape ({@link PoolSlot}), which then gets
 * its own identity like any clone. One daemon thread of low priority refills it, one restore at a time, and only
 * once a sandbox of the shape has been created (the template exists then); a failed refill waits for the next
 * sandbox. {@link #drain} ends the thread and kills the pooled VMs; so does the JVM's exit. A JVM killed
 * without its exit hook leaves its pooled VMs to the next drain of any JVM ({@link PoolOwners}).
 */
final class QemuPool {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final Duration THREAD_END = Duration.ofSeconds(30);
    /** A refill waits this long: the sandbox that took a clone is being set up meanwhile and needs the CPUs more. */
    private static final Duration REFILL_DELAY = Duration.ofSeconds(2);

    private final TemplateStore templates;
    private final Path root;
    private final Deque<Pooled> ready = new ArrayDeque<>();
    private final Thread exitHook = new Thread(this::drain, "vc4j-vm-pool-exit");
    private int size;
    private long slots;
    private TemplateShape wantedShape;
    private VmSpec wantedSpec;
    private Thread filler;
    private boolean draining;

    /** A restored, paused clone in its slot. */
    private record Pooled(QemuProcess qemu, PoolSlot slot, TemplateShape shape) {}

    QemuPool(TemplateStore templates, Path root) {
        this.templates = templates;
        this.root = root;
    }

    synchronized void resize(int size) {
        this.size = size;
        notifyAll();
    }

    /** Whether a pooled VM can serve {@code spec}: a new sandbox's VM with a shared directory and no volumes. */
    static boolean serves(VmSpec spec) {
        return spec.sharedDir() != null && spec.volumes().isEmpty();
    }

    /**
     * A pooled clone of {@code shape} handed over to {@code spec} and running, or empty when there is none or
     * the hand-over failed (then it is killed, with the reason logged).
     */
    Optional<Vm> take(TemplateShape shape, VmSpec spec) {
        long started = System.nanoTime();
        Pooled pooled = pop(shape);
        if (pooled == null) {
            return Optional.empty();
        }
        RunFiles files = new RunFiles(spec.runDir());
        try {
            pooled.slot().handOver(spec.runDir(), spec.sharedDir());
            QemuProcess qemu = pooled.qemu().movedTo(files.qemuLog(), files.consoleLog());
            Vm vm = QemuTemplate.resume(qemu, shape, spec, started);
            LOG.info("sandbox {} takes the pooled VM of QEMU pid {}", spec.sandboxId(), qemu.pid());
            return Optional.of(vm);
        } catch (RuntimeException e) {
            LOG.warn(
                    "the pooled VM of QEMU pid {} cannot be used: {}",
                    pooled.qemu().pid(),
                    e.getMessage());
            pooled.qemu().kill();
            files.removeAll();
            return Optional.empty();
        } finally {
            pooled.slot().remove();
        }
    }

    private synchronized Pooled pop(TemplateShape shape) {
        for (var it = ready.iterator(); it.hasNext(); ) {
            Pooled p = it.next();
            if (p.shape().equals(shape) && p.qemu().isAlive()) {
                it.remove();
                notifyAll();
                return p;
            }
        }
        return null;
    }

    /** Keeps the pool filled with clones of {@code shape}, made from {@code spec}; others in it are killed. */
    synchronized void want(TemplateShape shape, VmSpec spec) {
        if (size == 0 || draining) {
            return;
        }
        if (!shape.equals(wantedShape)) {
            ready.removeIf(p -> {
                discard(p);
                return true;
            });
        }
        wantedShape = shape;
        wantedSpec = spec;
        if (filler == null) {
            filler = new Thread(this::fill, "vc4j-vm-pool");
            filler.setDaemon(true);
            filler.setPriority(Thread.MIN_PRIORITY);
            filler.start();
            Runtime.getRuntime().addShutdownHook(exitHook);
        }
        notifyAll();
    }

    private void fill() {
        while (true) {
            TemplateShape shape;
            VmSpec spec;
            synchronized (this) {
                while (!draining && (wantedShape == null || ready.size() >= size)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (draining) {
                    return;
                }
                shape = wantedShape;
                spec = wantedSpec;
                slots++;
            }
            try {
                Thread.sleep(REFILL_DELAY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                long started = System.nanoTime();
                Pooled pooled = restore(shape, spec, root.resolve("vm-" + PoolOwners.pid() + "-" + slots));
                synchronized (this) {
                    if (draining || !shape.equals(wantedShape)) {
                        discard(pooled);
                        continue;
                    }
                    ready.add(pooled);
                }
                LOG.info(
                        "pooled a paused clone of VM template {} (QEMU pid {}) in {} ms",
                        shape.key(),
                        pooled.qemu().pid(),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warn("cannot refill the VM pool: {}", e.getMessage());
                synchronized (this) {
                    wantedShape = null; // the next sandbox of a shape asks again
                }
            }
        }
    }

    private Pooled restore(TemplateShape shape, VmSpec spec, Path dir) {
        PoolSlot slot = PoolSlot.create(dir);
        VmSpec pooledSpec = new VmSpec(
                "pool-" + dir.getFileName(),
                spec.hostname(),
                spec.config(),
                spec.network(),
                slot.runDir(),
                spec.hostCache(),
                List.of(),
                List.of(),
                slot.sharedDir());
        try (TemplateStore.Entry entry = templates.lock(shape.key())) {
            if (!entry.readMeta().map(m -> m.inputs().equals(shape.inputs())).orElse(false)) {
                throw new HypervisorException("the template " + shape.key() + " is gone or stale");
            }
            // no mount namespace: its run files and shared directory move to the sandbox that takes it, and its
            // network and drives are given then, none of which a view made now would follow
            return new Pooled(
                    QemuTemplate.restorePaused(shape, pooledSpec, entry, QemuConfinement::launchArgv), slot, shape);
        } catch (RuntimeException e) {
            slot.remove();
            throw e;
        }
    }

    private static void discard(Pooled p) {
        p.qemu().kill();
        p.slot().remove();
    }

    /** Ends the refill thread, kills the pooled VMs and removes their directories; a later {@link #want} refills. */
    void drain() {
        Thread thread;
        synchronized (this) {
            draining = true;
            thread = filler;
            notifyAll();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(THREAD_END.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: this is the hook
            }
        }
        synchronized (this) {
            ready.forEach(QemuPool::discard);
            ready.clear();
            PoolOwners.reap(root, thread == null || !thread.isAlive());
            wantedShape = null;
            wantedSpec = null;
            filler = null;
            draining = false;
        }
        try {
            Files.deleteIfExists(root);
        } catch (IOException e) {
            LOG.debug("cannot remove the VM pool's directory {}: {}", root, e.getMessage());
        }
    }
}
