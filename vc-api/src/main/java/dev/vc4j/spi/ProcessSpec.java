package dev.vc4j.spi;

import dev.vc4j.oci.OciProcess;

import java.util.Objects;

/**
 * A process to exec in a running container.
 *
 * @param execId names the process within its container ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}})
 * @param process the OCI {@code process} object (args, env, cwd, user, terminal...)
 * @param terminal the process gets a pty; must match {@code terminal} of the process
 */
public record ProcessSpec(String execId, OciProcess process, boolean terminal) {
    public ProcessSpec {
        Objects.requireNonNull(execId, "execId");
        Objects.requireNonNull(process, "process");
    }
}
