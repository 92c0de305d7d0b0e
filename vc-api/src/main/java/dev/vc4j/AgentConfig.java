package dev.vc4j;

import java.time.Duration;

/** How the host talks to the guest agent. Every RPC without its own timeout gets {@code callTimeout}. */
public record AgentConfig(Duration callTimeout) {
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    public static AgentConfig defaults() {
        return new AgentConfig(DEFAULT_CALL_TIMEOUT);
    }

    public void validate(String prefix) {
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new InvalidConfigException(prefix + ".callTimeout", callTimeout, "must be positive");
        }
    }
}
