package dev.vc4j.bench;

import dev.vc4j.VirtContainers;

import java.util.Optional;

/**
 * The one place where the benchmark asks for sandboxes from VM templates and from the warm pool (issue 13, items
 * 1 and 2). Until they are in the tree both are empty and their figures print as not available; once merged,
 * each returns the runtime built with {@code VirtContainers.builder()...templates(...)} (and the pool's setting),
 * and every figure in {@link TemplateFigures} is measured with it.
 */
final class TemplateRuntimes {
    static final String MISSING = "VM templates and the warm pool are not in this tree yet (issue 13 items 1-2)";

    private TemplateRuntimes() {}

    /** A runtime whose sandboxes are clones of a template VM. */
    static Optional<VirtContainers> templated() {
        return Optional.empty();
    }

    /** A runtime whose sandboxes come from a warm pool of paused VMs. */
    static Optional<VirtContainers> pooled() {
        return Optional.empty();
    }
}
