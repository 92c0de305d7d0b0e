package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.TemplateInfo;
import dev.vc4j.VcException;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmFactory;
import dev.vc4j.spi.VmSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * VMs cloned from templates kept under a root directory, one per VM shape ({@link TemplateShape}). The first
 * sandbox of a shape builds its template under the template's lock (another process asking for it meanwhile
 * waits, then uses it); each sandbox then starts as a clone. A template that cannot be used is removed and the
 * sandbox boots cold; building one can fail, typed (a full tmpfs is a StorageException), as a cold boot would.
 */
final class QemuTemplates implements VmFactory {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");

    private final QemuHypervisor hypervisor;
    private final TemplateStore store;
    private final QemuPool pool;

    QemuTemplates(QemuHypervisor hypervisor, Path root) {
        this.hypervisor = hypervisor;
        this.store = new TemplateStore(root);
        // beside the templates, not among them: every directory under root is a template
        this.pool = new QemuPool(store, root.resolveSibling(root.getFileName() + "-pool"));
    }

    @Override
    public void pool(int size) {
        pool.resize(size);
    }

    @Override
    public void drainPool() {
        pool.drain();
    }

    @Override
    public Vm start(VmSpec spec) {
        Accelerator accel = AcceleratorProbe.resolve(spec.config(), spec.hostCache());
        TemplateShape.Shaped shaped = TemplateShape.of(spec, accel);
        if (shaped.shape().isEmpty()) {
            LOG.info("sandbox {} boots without a template: {}", spec.sandboxId(), shaped.reason());
            return hypervisor.start(spec);
        }
        TemplateShape shape = shaped.shape().get();
        if (!QemuPool.serves(spec)) {
            return clone(shape, spec);
        }
        Optional<Vm> pooled = pool.take(shape, spec);
        Vm vm = pooled.orElseGet(() -> clone(shape, spec));
        pool.want(shape, spec);
        return vm;
    }

    private Vm clone(TemplateShape shape, VmSpec spec) {
        Optional<Vm> clone;
        try (TemplateStore.Entry entry = store.lock(shape.key())) {
            if (!usable(shape, entry)) {
                QemuTemplate.build(shape, spec, entry);
            }
            clone = restore(shape, spec, entry);
        }
        return clone.orElseGet(() -> hypervisor.start(spec));
    }

    /** Whether {@code entry} holds a complete template of {@code shape}; a stale one is removed. */
    private static boolean usable(TemplateShape shape, TemplateStore.Entry entry) {
        Optional<TemplateStore.Meta> meta = entry.readMeta();
        if (meta.isEmpty()) {
            return false;
        }
        if (!meta.get().inputs().equals(shape.inputs())) {
            LOG.info("VM template {} is stale (its QEMU, kernel, initrd or firmware changed): rebuilding", shape.key());
            return false;
        }
        return true;
    }

    /** A clone, or empty when the template cannot be used: then it is removed, with the reason logged. */
    private static Optional<Vm> restore(TemplateShape shape, VmSpec spec, TemplateStore.Entry entry) {
        String problem = problem(entry);
        if (problem == null) {
            try {
                return Optional.of(QemuTemplate.start(shape, spec, entry));
            } catch (VcException e) {
                problem = e.getMessage();
            }
        }
        LOG.warn(
                "VM template {} cannot be used ({}); it is removed and sandbox {} boots cold",
                shape.key(),
                problem,
                spec.sandboxId());
        entry.clear();
        return Optional.empty();
    }

    /** Why the template's files cannot be what it saved, or null. */
    private static String problem(TemplateStore.Entry entry) {
        long memory = entry.readMeta().map(TemplateStore.Meta::memoryBytes).orElse(-1L);
        try {
            if (!Files.isRegularFile(entry.memory()) || Files.size(entry.memory()) != memory) {
                return "its memory file is missing or not " + memory + " bytes";
            }
            if (!Files.isRegularFile(entry.state()) || Files.size(entry.state()) == 0) {
                return "its state file is missing or empty";
            }
        } catch (java.io.IOException e) {
            return "its files cannot be read: " + e.getMessage();
        }
        return null;
    }

    @Override
    public List<TemplateInfo> list() {
        return store.list();
    }

    @Override
    public int removeAll() {
        return store.removeAll();
    }
}
