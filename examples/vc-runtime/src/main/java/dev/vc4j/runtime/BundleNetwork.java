package dev.vc4j.runtime;

import dev.vc4j.Bundle;
import dev.vc4j.NetworkConfig;
import dev.vc4j.spi.HostCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network of a sandbox container's VM, from the network namespace its bundle names. An engine that sets up
 * the container's network (podman with netavark, a CRI runtime with CNI) makes the namespace, puts a veth with the
 * container's address in it and names its path in {@code linux.namespaces}; the VM then runs in that namespace as
 * its end of the wire (vc4j's netns mode), so that the container has the address the engine gave it.
 * <ul>
 * <li>a path to a namespace with a link other than loopback, as root: netns mode;
 * <li>a path to a namespace with loopback only (podman's {@code --network none}): no network device, the guest's
 *     loopback is what the container has, as it would be in that namespace;
 * <li>no path (a new namespace requested, as {@code ctr run} and {@code runc spec} do), or not root (rootless
 *     engines, whose namespaces vc4j cannot wire): no network device either, logged.
 * </ul>
 */
final class BundleNetwork {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private BundleNetwork() {}

    static NetworkConfig of(Bundle bundle) {
        Path namespace = bundle.networkNamespace().orElse(null);
        if (namespace == null) {
            return NetworkConfig.none();
        }
        if (Libc.C.geteuid() != 0) {
            RuntimeLog.current()
                    .write(
                            "warning",
                            "the network namespace " + namespace
                                    + " is not wired into the VM: that needs root; the container has loopback only");
            return NetworkConfig.none();
        }
        return hasLinkBesidesLoopback(links(namespace)) ? NetworkConfig.namespace(namespace) : NetworkConfig.none();
    }

    /** {@code linksOutput}: what {@code ip -o link show} printed, a line per link ({@code 1: lo: <...> ...}). */
    static boolean hasLinkBesidesLoopback(String linksOutput) {
        return linksOutput
                .lines()
                .map(line -> line.split(": ", 3))
                .filter(parts -> parts.length == 3)
                .anyMatch(parts -> !parts[1].equals("lo"));
    }

    /** The namespace's links, through {@code nsenter}; a failure names the namespace and the command. */
    private static String links(Path namespace) {
        return HostCommand.run(
                List.of("nsenter", "--net=" + namespace, "--", "ip", "-o", "link", "show"),
                DEADLINE,
                (message, cause) ->
                        new RuntimeFailure("the bundle's network namespace " + namespace + ": " + message, cause));
    }
}
