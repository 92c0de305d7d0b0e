package dev.vc4j.network;

import dev.vc4j.NetworkException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A network namespace vc4j creates for a sandbox with {@code ip netns add} (a bind mount under iproute2's
 * /var/run/netns, so that it outlives the process that made it until {@code ip netns del}), named after the
 * sandbox's run directory: two stores with the same sandbox id do not share one.
 */
final class OwnNamespace {
    static final Path NETNS_DIR = Path.of("/var/run/netns");
    static final String PREFIX = "vc4j-net-";

    private OwnNamespace() {}

    /**
     * Creates the namespace of the sandbox at {@code runDir}, recorded first: a record of one that was never made
     * removes nothing, one made and not recorded would be left behind.
     */
    static Path create(Path runDir) {
        Path namespace = NETNS_DIR.resolve(nameFor(runDir));
        if (Files.exists(namespace)) {
            throw new NetworkException("the network namespace " + namespace + " named after this sandbox's run"
                    + " directory already exists, and vc4j has no record of it: `ip netns del "
                    + namespace.getFileName() + "` removes it");
        }
        NetnsState.created(namespace).write(runDir);
        try {
            Nsenter.onHost("ip", "netns", "add", namespace.getFileName().toString());
        } catch (RuntimeException e) {
            NetnsState.remove(runDir);
            throw e;
        }
        return namespace;
    }

    /** Removes the namespace, and so what is in it, when it is there. */
    static void remove(Path namespace) {
        if (Files.exists(namespace)) {
            Nsenter.onHost("ip", "netns", "del", namespace.getFileName().toString());
        }
    }

    static String nameFor(Path runDir) {
        return PREFIX
                + HexFormat.of()
                        .formatHex(HostNetwork.sha256(runDir.toAbsolutePath().toString()), 0, 6);
    }
}
