package dev.vc4j.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the guest agent needs to create a container: the OCI runtime spec (config.json, whose {@code root.path}
 * must be {@code rootfs}) and where the root file system comes from: a directory inside the guest, or a
 * {@link StorageSpec} mounted at {@code rootfs}.
 *
 * @param rootfsPath a directory in the guest bind-mounted as the root, or null
 * @param terminal the init process gets a pty; must match {@code process.terminal} of the spec
 */
public record ContainerSpec(String id, String ociSpecJson, String rootfsPath, List<StorageSpec> storages,
        boolean terminal) {

    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ociSpecJson, "ociSpecJson");
        storages = List.copyOf(storages);
    }

    public static Builder builder(String id, String ociSpecJson) {
        return new Builder(id, ociSpecJson);
    }

    public static final class Builder {
        private final String id;
        private final String ociSpecJson;
        private String rootfsPath;
        private final List<StorageSpec> storages = new ArrayList<>();
        private boolean terminal;

        private Builder(String id, String ociSpecJson) {
            this.id = id;
            this.ociSpecJson = ociSpecJson;
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
            return new ContainerSpec(id, ociSpecJson, rootfsPath, storages, terminal);
        }
    }
}
