package dev.vc4j.spi;

import dev.vc4j.NetworkConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Plans and wires a sandbox's network. Implementations are found with {@link java.util.ServiceLoader}. */
public interface Network {

    /**
     * For a config that asks vc4j for a network namespace ({@link NetworkConfig#createsNamespace()}), creates it,
     * records it under {@code runDir} for {@link #detach}, and returns its path; empty for any other config. Called
     * before {@link #attach}, which then reads the interfaces that were put in it meanwhile.
     */
    Optional<Path> createNamespace(String sandboxId, Path runDir, NetworkConfig config);

    /**
     * Creates what the host needs for {@code config} and returns the guest interfaces to give the VM. What it
     * creates is recorded under the sandbox's {@code runDir}, for {@link #detach}.
     */
    List<NetworkEndpoint> attach(String sandboxId, Path runDir, NetworkConfig config);

    /**
     * Takes back what {@link #attach} created on the host. Finds it by the sandbox's id and run directory alone,
     * so any process can call it, any number of times.
     */
    void detach(String sandboxId, Path runDir);
}
