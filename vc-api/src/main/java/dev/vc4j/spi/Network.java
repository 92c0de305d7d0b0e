package dev.vc4j.spi;

import dev.vc4j.NetworkConfig;

import java.util.List;

/** Plans and wires a sandbox's network. Implementations are found with {@link java.util.ServiceLoader}. */
public interface Network {

    /** Creates what the host needs for {@code config} and returns the guest interfaces to give the VM. */
    List<NetworkEndpoint> attach(String sandboxId, NetworkConfig config);

    /**
     * Takes back what {@link #attach} created on the host. Finds it by the sandbox id alone, so any process
     * can call it, any number of times.
     */
    void detach(String sandboxId);
}
