package dev.vc4j.spi;

import dev.vc4j.oci.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the guest agent needs to create a container: the OCI runtime spec (config.json, whose {@code root.path}
 * must be {@code rootfs}; {@link Spec#toJson()} is what the guest gets) and where the root file system comes from: a directory inside the guest, or a
 * {@link StorageSpec} mounted at {@code rootfs}.
 *
 * @param rootfsPath a directory in the guest bind-mounted as the root, or null
 * @param terminal the init process gets a pty; must match {@code process.terminal} of the spec
 */
public record ContainerSpec(String id, Spec ociSpec, String rootfsPath, List<StorageSpec> storages, boolean terminal) {

    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ociSpec, "ociSpec");
        storages = List.copyOf(storages);
    }

    public static Builder builder(String id, Spec ociSpec) {
        return new Builder(id, ociSpec);
    }

    public static final class Builder {
        private final String id;
        private final Spec ociSpec;
        private String rootfsPath;
        private final List<StorageSpec> storages = new ArrayList<>();
        private boolean terminal;

        private Builder(String id, Spec ociSpec) {
            this.id = id;
            this.ociSpec = ociSpec;
        }

        public Builder rootfsPath(String guestPath) {
            this.rootfsPath = guestPath;
            return this;
        }

        public Builder storage(StorageSpec storage) {
            storages.add(storage);
            return this;
        }

        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(id, ociSpec, rootfsPath, storages, terminal);
        }
    }
}
