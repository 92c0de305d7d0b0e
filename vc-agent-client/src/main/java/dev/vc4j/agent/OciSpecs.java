package dev.vc4j.agent;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Minimal OCI runtime specs (config.json and process objects) for crun in the guest: new pid, mount, ipc and uts
 * namespaces, /proc, /dev and /dev/pts, the guest's network, root as root. Enough for a busybox container; the
 * lifecycle layer builds the full spec from a container's configuration.
 */
public final class OciSpecs {
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private OciSpecs() {
    }

    /** A process object: {@code args} run as root in {@code /} with a default PATH. */
    public static String process(boolean terminal, List<String> args) {
        return "{\"terminal\":" + terminal
                + ",\"user\":{\"uid\":0,\"gid\":0}"
                + ",\"args\":" + strings(args)
                + ",\"env\":" + strings(List.of(PATH, "TERM=xterm"))
                + ",\"cwd\":\"/\""
                + ",\"noNewPrivileges\":true}";
    }

    /**
     * A config.json whose root is {@code rootfs} (where the agent mounts it), in cgroup {@code /vc4j/<id>},
     * with a memory limit when {@code memoryLimitBytes > 0}.
     */
    public static String container(String id, boolean terminal, long memoryLimitBytes, List<String> args) {
        String resources = memoryLimitBytes > 0
                ? ",\"resources\":{\"memory\":{\"limit\":" + memoryLimitBytes + ",\"swap\":" + memoryLimitBytes + "}}"
                : "";
        return "{\"ociVersion\":\"1.0.2\""
                + ",\"process\":" + process(terminal, args)
                + ",\"root\":{\"path\":\"rootfs\",\"readonly\":false}"
                + ",\"hostname\":" + string(id)
                + ",\"mounts\":["
                + mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")) + ","
                + mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")) + ","
                + mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")) + ","
                + mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777"))
                + "]"
                + ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},"
                + "{\"type\":\"uts\"}],\"cgroupsPath\":" + string("/vc4j/" + id) + resources + "}}";
    }

    private static String mount(String destination, String type, String source, List<String> options) {
        return "{\"destination\":" + string(destination) + ",\"type\":" + string(type) + ",\"source\":"
                + string(source) + ",\"options\":" + strings(options) + "}";
    }

    private static String strings(List<String> values) {
        return values.stream().map(OciSpecs::string).collect(Collectors.joining(",", "[", "]"));
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
