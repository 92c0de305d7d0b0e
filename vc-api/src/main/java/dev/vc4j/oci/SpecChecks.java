package dev.vc4j.oci;

import dev.vc4j.InvalidConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@link Spec#validate()} checks; each failure names the JSON path and the value. */
final class SpecChecks {
    private static final Pattern VERSION = Pattern.compile("([0-9]+)\\.([0-9]+)\\.([0-9]+)(-[0-9A-Za-z.+-]*)?");
    private static final int SUPPORTED_MAJOR = 1;

    private SpecChecks() {}

    static void check(Spec spec) {
        version(spec.ociVersion());
        List<Mount> mounts = spec.mounts() == null ? List.of() : spec.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            destination("mounts[" + i + "].destination", mounts.get(i).destination());
        }
        if (spec.linux() != null && spec.linux().namespaces() != null) {
            List<LinuxNamespace> namespaces = spec.linux().namespaces();
            for (int i = 0; i < namespaces.size(); i++) {
                String type = namespaces.get(i).type();
                if (type == null || !LinuxNamespace.TYPES.contains(type)) {
                    throw new InvalidConfigException(
                            "linux.namespaces[" + i + "].type",
                            type,
                            "unknown namespace type: one of " + new TreeSet<>(LinuxNamespace.TYPES));
                }
            }
        }
        if (spec.hooks() != null) {
            hooks(spec.hooks());
        }
    }

    private static void version(String version) {
        if (version == null) {
            throw new InvalidConfigException("ociVersion", null, "is required");
        }
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new InvalidConfigException("ociVersion", version, "must be a version such as 1.2.0");
        }
        if (!m.group(1)
                .equals(Integer.toString(SUPPORTED_MAJOR))) { // as text: a major beyond an int is unsupported too
            throw new InvalidConfigException(
                    "ociVersion", version, "unsupported major version: runtime-spec 1.0 to 1.2 is supported");
        }
    }

    /** Absolute, and no {@code ..} that could lead out of the rootfs. */
    private static void destination(String field, String destination) {
        if (destination == null || !destination.startsWith("/")) {
            throw new InvalidConfigException(field, destination, "must be an absolute path in the container");
        }
        for (String part : destination.split("/")) {
            if (part.equals("..")) {
                throw new InvalidConfigException(field, destination, "must not leave the rootfs with `..`");
            }
        }
    }

    private static void hooks(Hooks hooks) {
        Map<String, List<Hook>> stages = new LinkedHashMap<>();
        stages.put("prestart", hooks.prestart());
        stages.put("createRuntime", hooks.createRuntime());
        stages.put("createContainer", hooks.createContainer());
        stages.put("startContainer", hooks.startContainer());
        stages.put("poststart", hooks.poststart());
        stages.put("poststop", hooks.poststop());
        for (Map.Entry<String, List<Hook>> stage : stages.entrySet()) {
            List<Hook> list = stage.getValue() == null ? List.of() : stage.getValue();
            for (int i = 0; i < list.size(); i++) {
                String field = "hooks." + stage.getKey() + "[" + i + "]";
                Hook hook = list.get(i);
                if (hook.path() == null || !hook.path().startsWith("/")) {
                    throw new InvalidConfigException(field + ".path", hook.path(), "must be an absolute path");
                }
                if (hook.timeout() != null && hook.timeout() <= 0) {
                    throw new InvalidConfigException(field + ".timeout", hook.timeout(), "must be positive (seconds)");
                }
            }
        }
    }
}
