package dev.vc4j;

/**
 * Whether sandboxes start as clones of VM templates (Kata's VM factory): one template per VM shape (QEMU binary,
 * kernel, initrd, memory, vCPUs, devices), booted once until its agent answers and saved; each sandbox of that
 * shape restores it instead of booting, then gets its own hostname, network, clock and random seed.
 *
 * @param persist whether {@link VirtContainers#cleanup()} keeps the templates (they live under the run root, so a
 *     reboot removes them either way)
 */
public record VmTemplates(boolean persist) {
    /** Templates that {@link VirtContainers#cleanup()} removes. */
    public static VmTemplates transientTemplates() {
        return new VmTemplates(false);
    }

    /** Templates kept until the run root goes (a reboot) or they go stale. */
    public static VmTemplates persistentTemplates() {
        return new VmTemplates(true);
    }
}
