package dev.vc4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A process to run in a container. User and groups stay strings (a name or a number): only the guest can
 * look names up in the container's image. Immutable; build one with {@link #builder()}.
 */
public record Cmd(
        List<String> args,
        Map<String, String> env,
        String user,
        String primaryGroup,
        List<String> supplementaryGroups,
        Path workdir,
        List<String> capabilities,
        boolean noNewPrivileges,
        boolean tty,
        boolean detach) {
    private static final Pattern CAPABILITY = Pattern.compile("CAP_[A-Z_]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Cmd {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        supplementaryGroups = List.copyOf(supplementaryGroups);
        capabilities = List.copyOf(capabilities);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Throws {@link InvalidConfigException} naming the first bad field under {@code prefix}. */
    public void validate(String prefix) {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw new InvalidConfigException(prefix + ".args", args, "needs at least the program to run");
        }
        env.keySet().stream()
                .filter(name -> !ENV_NAME.matcher(name).matches())
                .findFirst()
                .ifPresent(name -> {
                    throw new InvalidConfigException(
                            prefix + ".env", name, "must be a variable name ([A-Za-z_][A-Za-z0-9_]*)");
                });
        if (workdir != null && !workdir.isAbsolute()) {
            throw new InvalidConfigException(prefix + ".workdir", workdir, "must be an absolute path in the container");
        }
        capabilities.stream()
                .filter(c -> !CAPABILITY.matcher(c).matches())
                .findFirst()
                .ifPresent(c -> {
                    throw new InvalidConfigException(
                            prefix + ".capabilities", c, "must be a capability name such as CAP_NET_ADMIN");
                });
        if (tty && detach) {
            throw new InvalidConfigException(prefix + ".detach", true, "a process with a tty is attached to it");
        }
    }

    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String user;
        private String primaryGroup;
        private final List<String> supplementaryGroups = new ArrayList<>();
        private Path workdir;
        private final List<String> capabilities = new ArrayList<>();
        private boolean noNewPrivileges = true;
        private boolean tty;
        private boolean detach;

        private Builder() {}

        public Builder args(String... args) {
            this.args.clear();
            this.args.addAll(List.of(args));
            return this;
        }

        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A user name or uid, as the container's image knows it. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder primaryGroup(String group) {
            this.primaryGroup = group;
            return this;
        }

        public Builder supplementaryGroup(String group) {
            supplementaryGroups.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        public Builder workdir(Path workdir) {
            this.workdir = workdir;
            return this;
        }

        public Builder capability(String capability) {
            capabilities.add(Objects.requireNonNull(capability, "capability"));
            return this;
        }

        /** On by default: a process cannot gain privileges (setuid binaries) unless asked for. */
        public Builder noNewPrivileges(boolean noNewPrivileges) {
            this.noNewPrivileges = noNewPrivileges;
            return this;
        }

        public Builder tty(boolean tty) {
            this.tty = tty;
            return this;
        }

        public Builder detach(boolean detach) {
            this.detach = detach;
            return this;
        }

        public Cmd build() {
            return new Cmd(
                    args,
                    env,
                    user,
                    primaryGroup,
                    supplementaryGroups,
                    workdir,
                    capabilities,
                    noNewPrivileges,
                    tty,
                    detach);
        }
    }
}
