package dev.vc4j.spi;

import dev.vc4j.TemplateInfo;

import java.util.List;

/**
 * Starts VMs as clones of saved templates (see {@link dev.vc4j.VmTemplates}); made by
 * {@link Hypervisor#templates}.
 */
public interface VmFactory {
    /**
     * Starts a VM for {@code spec} as {@link Hypervisor#start} does, as a clone of its shape's template, building
     * the template first when there is none or it is stale. A spec no template can serve, or a template that
     * cannot be used (it is removed, with the reason logged), gives a cold boot.
     */
    Vm start(VmSpec spec);

    /**
     * Keeps up to {@code size} clones restored and paused, of the shape of the sandbox created last, for the
     * next sandboxes (see {@link dev.vc4j.VmTemplates#pool}); 0 keeps none.
     */
    void pool(int size);

    /** The templates stored now. */
    List<TemplateInfo> list();

    /** Kills the pooled clones and ends their refill until the next sandbox is started. */
    void drainPool();

    /** Removes every template not in use by a build or a restore at this moment; returns how many it removed. */
    int removeAll();
}
