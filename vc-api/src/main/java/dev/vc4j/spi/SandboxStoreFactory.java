package dev.vc4j.spi;

import dev.vc4j.StoreRoots;

/** Opens a {@link SandboxStore} on given roots. Implementations are found with {@link java.util.ServiceLoader}. */
public interface SandboxStoreFactory {
    SandboxStore open(StoreRoots roots);
}
