package dev.vc4j.bench;

import dev.vc4j.VirtContainers;
import dev.vc4j.VmTemplates;

/** The runtimes of the template and pool figures (issue 13, items 1 and 2). */
final class TemplateRuntimes {
    private TemplateRuntimes() {}

    /** A runtime whose sandboxes are clones of a template VM; its first sandbox builds the template. */
    static VirtContainers templated() {
        return VirtContainers.builder()
                .templates(VmTemplates.transientTemplates())
                .build();
    }

    /** A runtime whose sandboxes come from a warm pool of one paused clone, refilled after each hand-out. */
    static VirtContainers pooled() {
        return VirtContainers.builder()
                .templates(VmTemplates.transientTemplates().pool(1))
                .build();
    }
}
