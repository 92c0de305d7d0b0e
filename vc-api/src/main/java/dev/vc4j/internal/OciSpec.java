package dev.vc4j.internal;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerResources;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes the OCI runtime spec (config.json) of a container and the process object of an exec from a
 * {@link ContainerConfig} and a {@link Cmd}, the LinuxResources of an update, and the OCI state a hook reads. The root is always {@code rootfs}, where the guest agent mounts
 * the container's root; the cgroup is {@code /vc4j/<id>}, where the agent reads stats, processes and OOM kills.
 */
public final class OciSpec {
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private OciSpec() {
    }

    /** The config's own spec when it has one, else one made from its cmd and mounts. */
    static String container(ContainerConfig config) {
        if (config.ociSpec() != null) {
            return config.ociSpec();
        }
        List<String> mounts = new ArrayList<>(List.of(
                mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
                mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777"))));
        for (Mount m : config.mounts()) {
            mounts.add(mount(m.destination(), m.type(), m.source() == null ? m.type() : m.source(), m.options()));
        }
        return "{\"ociVersion\":\"1.0.2\",\"process\":" + process(config.cmd(), "cmd")
                + ",\"root\":{\"path\":\"rootfs\",\"readonly\":false},\"hostname\":" + quote(config.id())
                + ",\"mounts\":[" + String.join(",", mounts) + "]"
                + ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},"
                + "{\"type\":\"uts\"}],\"cgroupsPath\":" + quote("/vc4j/" + config.id()) + "}}";
    }

    /**
     * The OCI process object of {@code cmd}. Users and groups must be numbers: names would have to be looked
     * up in the container's image, which only the guest sees.
     */
    public static String process(Cmd cmd, String field) {
        long uid = number(field + ".user", cmd.user());
        long gid = number(field + ".primaryGroup", cmd.primaryGroup());
        List<String> groups = new ArrayList<>();
        for (String g : cmd.supplementaryGroups()) {
            groups.add(Long.toString(number(field + ".supplementaryGroups", g)));
        }
        List<String> env = new ArrayList<>();
        if (!cmd.env().containsKey("PATH")) {
            env.add(DEFAULT_PATH);
        }
        for (Map.Entry<String, String> e : cmd.env().entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        String caps = quoteAll(cmd.capabilities());
        return "{\"terminal\":" + cmd.tty()
                + ",\"user\":{\"uid\":" + uid + ",\"gid\":" + gid + ",\"additionalGids\":[" + String.join(",", groups) + "]}"
                + ",\"args\":" + quoteAll(cmd.args()) + ",\"env\":" + quoteAll(env)
                + ",\"cwd\":" + quote(cmd.workdir() == null ? "/" : cmd.workdir().toString())
                + ",\"capabilities\":{\"bounding\":" + caps + ",\"effective\":" + caps + ",\"permitted\":" + caps + "}"
                + ",\"noNewPrivileges\":" + cmd.noNewPrivileges() + "}";
    }

    /**
     * The OCI state of a sandbox, as its hooks get it on stdin: {@code status} one of creating, created,
     * running, stopped; {@code pid} the VM's process (0 when none runs); {@code bundle} the sandbox's run
     * directory.
     */
    static String state(String id, String status, long pid, Path bundle, Map<String, String> annotations) {
        String notes = annotations.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).collect(Collectors.joining(",", "{", "}"));
        return "{\"ociVersion\":\"1.0.2\",\"id\":" + quote(id) + ",\"status\":" + quote(status)
                + ",\"pid\":" + pid + ",\"bundle\":" + quote(bundle.toString()) + ",\"annotations\":" + notes + "}";
    }

    /** The OCI LinuxResources object of {@code r}, with the fields it sets only. */
    public static String resources(ContainerResources r) {
        return object(
                nested("memory", number("limit", r.memoryLimitBytes()),
                        number("reservation", r.memoryReservationBytes()), number("swap", r.memorySwapBytes())),
                nested("cpu", number("shares", r.cpuShares()), number("quota", r.cpuQuotaMicros()),
                        number("period", r.cpuPeriodMicros()), string("cpus", r.cpusetCpus()),
                        string("mems", r.cpusetMems())),
                nested("pids", number("limit", r.pidsLimit())));
    }

    /** The members that are not null, as an object. */
    private static String object(String... members) {
        return Arrays.stream(members).filter(Objects::nonNull).collect(Collectors.joining(",", "{", "}"));
    }

    /** {@code "name":{members}}; null, to be left out, when no member is set. */
    private static String nested(String name, String... members) {
        String value = object(members);
        return value.equals("{}") ? null : quote(name) + ":" + value;
    }

    private static String number(String name, Long value) {
        return value == null ? null : quote(name) + ":" + value;
    }

    private static String string(String name, String value) {
        return value == null ? null : quote(name) + ":" + quote(value);
    }

    private static long number(String field, String value) {
        if (value == null) {
            return 0;
        }
        if (!value.matches("[0-9]{1,10}")) {
            throw new InvalidConfigException(field, value, "must be a number: names are not looked up in the image");
        }
        return Long.parseLong(value);
    }

    private static String mount(String destination, String type, String source, List<String> options) {
        return "{\"destination\":" + quote(destination) + ",\"type\":" + quote(type) + ",\"source\":" + quote(source)
                + ",\"options\":" + quoteAll(options) + "}";
    }

    private static String quoteAll(List<String> values) {
        return values.stream().map(OciSpec::quote).collect(Collectors.joining(",", "[", "]"));
    }

    /** A JSON string: quotes, backslashes and control characters escaped, the rest as it is. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.append('"').toString();
    }
}
