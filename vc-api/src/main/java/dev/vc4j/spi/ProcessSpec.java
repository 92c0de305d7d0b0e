package dev.vc4j.spi;

import java.util.Objects;

/**
 * A process to exec in a running container.
 *
 * @param execId names the process within its container ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}})
 * @param processJson the OCI {@code process} object (args, env, cwd, user, terminal...) as JSON
 * @param terminal the process gets a pty; must match {@code terminal} of processJson
 */
public record ProcessSpec(String execId, String processJson, boolean terminal) {
    public ProcessSpec {
        Objects.requireNonNull(execId, "execId");
        Objects.requireNonNull(processJson, "processJson");
    }
}
