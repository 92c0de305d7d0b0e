package dev.vc4j;

import java.nio.file.Path;
import java.util.List;

/**
 * A mount in a container, as in the OCI runtime spec: what, where in the container, the type, options. A bind
 * mount's {@code source} (type {@code bind}, or the option {@code bind} or {@code rbind}) is an absolute path on
 * the host: a directory reaches the guest through the sandbox's shared directory (where this process may not
 * mount, not root, it must lie in one of the sandbox's volumes), a regular file of at most 1 MiB is copied into
 * the guest when the container is created (the container's writes to it stay there); the option {@code ro} makes
 * either read-only. Other mounts (proc,
 * tmpfs, devpts, mqueue, cgroup...) are made in the guest as they are.
 */
public record Mount(String source, String destination, String type, List<String> options) {

    public Mount {
        options = List.copyOf(options == null ? List.of() : options);
    }

    /** A bind mount of the host's {@code source} (a directory or a file) at {@code destination}. */
    public static Mount bind(Path source, String destination, boolean readOnly) {
        return new Mount(source.toString(), destination, "bind", readOnly ? List.of("rbind", "ro") : List.of("rbind"));
    }

    /** The mount as the OCI spec writes it. */
    public dev.vc4j.oci.Mount toOci() {
        return dev.vc4j.oci.Mount.builder()
                .destination(destination)
                .type(type)
                .source(source)
                .options(options)
                .build();
    }

    public void validate(String prefix) {
        if (destination == null || !destination.startsWith("/")) {
            throw new InvalidConfigException(
                    prefix + ".destination", destination, "must be an absolute path in the container");
        }
        if (List.of(destination.split("/")).contains("..")) {
            throw new InvalidConfigException(
                    prefix + ".destination", destination, "must not leave the rootfs with `..`");
        }
        if (type == null || type.isBlank()) {
            throw new InvalidConfigException(prefix + ".type", type, "is required, e.g. bind, tmpfs or proc");
        }
        if (toOci().isBind() && (source == null || !source.startsWith("/"))) {
            throw new InvalidConfigException(prefix + ".source", source, "a bind mount needs an absolute host path");
        }
    }
}
