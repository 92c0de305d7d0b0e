package dev.vc4j;

import java.util.List;

/**
 * The host-side hooks of a sandbox, run in list order (see {@link Hook}): {@code prestart} once the VM and
 * its agent are up and before any container starts (a failure fails the start, which is undone), or, with a
 * network namespace vc4j creates ({@link NetworkConfig#newNamespace()}), in it at each boot before vc4j reads its
 * interfaces and the VM starts (a failure fails the boot);
 * {@code poststart} once the sandbox is running (a failure is logged and published as
 * {@link SandboxEvent.Type#HOOK_FAILED}); {@code poststop} once its VM has ended, by stop, delete, or a death
 * found by cleanup (a failure is logged and published likewise, and the clean-up goes on).
 */
public record Hooks(List<Hook> prestart, List<Hook> poststart, List<Hook> poststop) {
    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of());

    public Hooks {
        prestart = List.copyOf(prestart == null ? List.of() : prestart);
        poststart = List.copyOf(poststart == null ? List.of() : poststart);
        poststop = List.copyOf(poststop == null ? List.of() : poststop);
    }

    void validate(String field) {
        validate(field + ".prestart", prestart);
        validate(field + ".poststart", poststart);
        validate(field + ".poststop", poststop);
    }

    private static void validate(String field, List<Hook> hooks) {
        for (int i = 0; i < hooks.size(); i++) {
            if (hooks.get(i) == null) {
                throw new InvalidConfigException(field + "[" + i + "]", null, "must not be null");
            }
            hooks.get(i).validate(field + "[" + i + "]");
        }
    }
}
