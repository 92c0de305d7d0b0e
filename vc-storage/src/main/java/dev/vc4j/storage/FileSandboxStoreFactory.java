package dev.vc4j.storage;

import dev.vc4j.StoreRoots;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.SandboxStoreFactory;

/** The default store, registered for {@link java.util.ServiceLoader}. */
public final class FileSandboxStoreFactory implements SandboxStoreFactory {
    @Override
    public SandboxStore open(StoreRoots roots) {
        return new FileSandboxStore(roots);
    }
}
