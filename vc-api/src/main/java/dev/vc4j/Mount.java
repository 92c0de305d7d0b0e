package dev.vc4j;

import java.util.List;

/** A mount in a container, as in the OCI runtime spec: what, where in the container, the type, options. */
public record Mount(String source, String destination, String type, List<String> options) {

    public Mount {
        options = List.copyOf(options == null ? List.of() : options);
    }

    public void validate(String prefix) {
        if (destination == null || !destination.startsWith("/")) {
            throw new InvalidConfigException(prefix + ".destination", destination, "must be an absolute path in the container");
        }
        if (type == null || type.isBlank()) {
            throw new InvalidConfigException(prefix + ".type", type, "is required, e.g. bind, tmpfs or proc");
        }
    }
}
