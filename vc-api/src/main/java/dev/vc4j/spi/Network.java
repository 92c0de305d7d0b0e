package dev.vc4j.spi;

import dev.vc4j.NetworkConfig;
import dev.vc4j.NetworkException;

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

    /**
     * Wires {@code name}, a link that appeared in the sandbox's network namespace after {@link #attach} (as a CNI
     * plugin adds one to a running pod), as attach wires each, and returns the guest interface for it. What it
     * creates is recorded under {@code runDir}, so that {@link #detach} takes it back too. A name or MAC that
     * clashes with one of the sandbox's interfaces is an {@link dev.vc4j.InvalidConfigException}; nothing is left
     * of a failed call.
     */
    default NetworkEndpoint attachInterface(String sandboxId, Path runDir, String name) {
        throw new NetworkException(getClass().getName() + " cannot add interfaces to a running sandbox");
    }

    /**
     * The guest interface {@link #attachInterface} returned for {@code name}: a {@link dev.vc4j.NotFoundException}
     * when it wired none of that name, an {@link dev.vc4j.InvalidConfigException} when {@code name} was wired by
     * {@link #attach}.
     */
    default NetworkEndpoint attachedInterface(Path runDir, String name) {
        throw new NetworkException(getClass().getName() + " cannot remove interfaces from a running sandbox");
    }

    /** Takes back what {@link #attachInterface} created for {@code name}; nothing when it holds none of that name. */
    default void detachInterface(String sandboxId, Path runDir, String name) {
        throw new NetworkException(getClass().getName() + " cannot remove interfaces from a running sandbox");
    }
}
