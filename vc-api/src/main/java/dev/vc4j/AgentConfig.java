package dev.vc4j;

import java.time.Duration;

/**
 * How the host talks to the guest agent. Every RPC without its own timeout gets {@code callTimeout}.
 * {@code guestHookPath} (empty: none) is a directory in the guest whose {@code prestart/}, {@code poststart/} and
 * {@code poststop/} hold executables the agent adds, sorted by name, as OCI hooks to every container (Kata's
 * guest_hook_path); the directory need not exist.
 */
public record AgentConfig(Duration callTimeout, String guestHookPath) {
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    public AgentConfig {
        guestHookPath = guestHookPath == null ? "" : guestHookPath;
    }

    public AgentConfig(Duration callTimeout) {
        this(callTimeout, "");
    }

    public static AgentConfig defaults() {
        return new AgentConfig(DEFAULT_CALL_TIMEOUT);
    }

    public AgentConfig withGuestHookPath(String path) {
        return new AgentConfig(callTimeout, path);
    }

    public void validate(String prefix) {
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new InvalidConfigException(prefix + ".callTimeout", callTimeout, "must be positive");
        }
        if (!guestHookPath.isEmpty()
                && (!guestHookPath.startsWith("/")
                        || guestHookPath.contains("/../")
                        || guestHookPath.endsWith("/.."))) {
            throw new InvalidConfigException(
                    prefix + ".guestHookPath", guestHookPath, "must be an absolute guest path without `..`");
        }
    }
}
