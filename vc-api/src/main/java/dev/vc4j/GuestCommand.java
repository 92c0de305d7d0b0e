package dev.vc4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A command run in the guest itself, outside any container, to completion. {@code env} entries are
 * {@code KEY=VALUE}; empty means the agent's default PATH. {@code timeout} null means the agent's default.
 */
public record GuestCommand(List<String> argv, List<String> env, String workdir, byte[] stdin, Duration timeout) {

    public GuestCommand {
        argv = List.copyOf(argv);
        env = List.copyOf(env == null ? List.of() : env);
        stdin = stdin == null ? new byte[0] : stdin.clone();
    }

    public static GuestCommand of(String... argv) {
        return builder().args(argv).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    public void validate() {
        if (argv.isEmpty()) {
            throw new InvalidConfigException("argv", argv, "must name a program");
        }
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new InvalidConfigException("env", e, "must be KEY=VALUE");
            }
        }
        if (workdir != null && !workdir.startsWith("/")) {
            throw new InvalidConfigException("workdir", workdir, "must be an absolute path");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE)) {
            throw new InvalidConfigException("timeout", timeout, "must be positive and below 24 days");
        }
    }

    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private String workdir;
        private byte[] stdin;
        private Duration timeout;

        private Builder() {}

        public Builder args(String... args) {
            for (String a : args) {
                argv.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        public Builder env(String key, String value) {
            env.add(key + "=" + value);
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = workdir;
            return this;
        }

        public Builder stdin(byte[] stdin) {
            this.stdin = stdin;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public GuestCommand build() {
            return new GuestCommand(argv, env, workdir, stdin, timeout);
        }
    }
}
