package dev.vc4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A bundle's mounts as a container config's {@link Mount}s: bind sources resolved on the host and checked. */
final class BundleMounts {
    private BundleMounts() {}

    /**
     * Every mount of {@code mounts} (null: none) in order; a bind mount's source resolved against {@code bundle}
     * and required to exist. A socket, fifo or device of the host is left out and noted in {@code findings}, as
     * is an id mapping and a host file's read-write binding (it is copied).
     */
    static List<Mount> of(Path bundle, List<dev.vc4j.oci.Mount> mounts, List<Bundle.Finding> findings) {
        List<Mount> result = new ArrayList<>();
        if (mounts == null) {
            return result;
        }
        for (int i = 0; i < mounts.size(); i++) {
            dev.vc4j.oci.Mount m = mounts.get(i);
            String field = "mounts[" + i + "]";
            if (m.uidMappings() != null || m.gidMappings() != null) {
                findings.add(new Bundle.Finding(
                        field + ".uidMappings",
                        m.destination(),
                        "id-mapped mounts are not supported: mounted without the mapping"));
            }
            if (!m.isBind()) {
                result.add(new Mount(m.source(), m.destination(), m.type(), m.options()));
                continue;
            }
            if (m.source() == null) {
                throw new InvalidConfigException(field + ".source", null, "a bind mount needs a source");
            }
            Path source = bundle.resolve(m.source()).normalize();
            if (!Files.exists(source)) {
                throw new InvalidConfigException(field + ".source", m.source(), "no such file or directory");
            }
            if (!Files.isDirectory(source) && !Files.isRegularFile(source)) {
                findings.add(new Bundle.Finding(
                        field + ".source",
                        m.source(),
                        "a socket, fifo or device of the host cannot reach the VM: left out"));
                continue;
            }
            if (Files.isRegularFile(source) && !m.isReadOnly()) {
                findings.add(new Bundle.Finding(
                        field + ".source",
                        m.source(),
                        "a host file is copied into the VM: the container's writes to it stay there"));
            }
            result.add(
                    new Mount(source.toString(), m.destination(), m.type() == null ? "bind" : m.type(), m.options()));
        }
        return result;
    }
}
