package dev.vc4j;

/**
 * Whether sandboxes start as clones of VM templates (Kata's VM factory): one template per VM shape (QEMU binary,
 * kernel, initrd, memory, vCPUs, devices), booted once until its agent answered and saved; each sandbox of that
 * shape restores it instead of booting, then gets its own hostname, network, clock and random seed.
 *
 * @param persist whether {@link VirtContainers#cleanup()} keeps the templates (they live under the run root, so a
 *     reboot removes them either way)
 * @param poolSize how many clones to keep restored and paused for the next sandboxes (Kata's VMCache), of the
 *     shape of the sandbox created last; refilled in the background, one restore at a time, and killed by
 *     {@link VirtContainers#cleanup()} and at the JVM's exit. A pooled clone serves a new sandbox without
 *     volumes; each costs its QEMU's memory while it waits.
 */
public record VmTemplates(boolean persist, int poolSize) {
    /** More would only hold memory: the pool is refilled one clone at a time. */
    public static final int MAX_POOL_SIZE = 16;

    public VmTemplates {
        if (poolSize < 0 || poolSize > MAX_POOL_SIZE) {
            throw new InvalidConfigException(
                    "templates.poolSize", Integer.toString(poolSize), "must be between 0 and " + MAX_POOL_SIZE);
        }
    }

    /** Templates that {@link VirtContainers#cleanup()} removes. */
    public static VmTemplates transientTemplates() {
        return new VmTemplates(false, 0);
    }

    /** Templates kept until the run root goes (a reboot) or they go stale. */
    public static VmTemplates persistentTemplates() {
        return new VmTemplates(true, 0);
    }

    /** These templates with a warm pool of {@code size} paused clones. */
    public VmTemplates pool(int size) {
        return new VmTemplates(persist, size);
    }
}
