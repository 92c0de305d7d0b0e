package dev.vc4j;

import java.nio.file.Path;

/** A host device passed to a container, at {@code containerPath}. */
public record Device(Path hostPath, String containerPath) {

    public void validate(String prefix) {
        if (hostPath == null || !hostPath.isAbsolute()) {
            throw new InvalidConfigException(prefix + ".hostPath", hostPath, "must be an absolute host path");
        }
        if (containerPath == null || !containerPath.startsWith("/dev/")) {
            throw new InvalidConfigException(prefix + ".containerPath", containerPath, "must be a path under /dev/");
        }
    }
}
