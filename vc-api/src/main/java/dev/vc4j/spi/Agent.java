package dev.vc4j.spi;

import dev.vc4j.AgentConfig;

import java.time.Duration;

/** Connects to guest agents. Implementations are found with {@link java.util.ServiceLoader}. */
public interface Agent {

    /**
     * Opens a session to the agent reached through {@code channel} and returns once it answered a Check.
     * Waits at most {@code timeout}; {@code vmLiveness} is called while waiting and throws when the VM died,
     * which ends the wait at once.
     */
    AgentSession connect(AgentChannel channel, AgentConfig config, Duration timeout, Runnable vmLiveness);
}
