package dev.vc4j.spi;

/**
 * How a container process ended. {@code exitCode} is 128 + signal when a signal ended it, as in a shell;
 * {@code oomKilled} when the container's cgroup recorded an OOM kill while it ran.
 */
public record ProcessExit(int exitCode, int signal, boolean oomKilled) {}
