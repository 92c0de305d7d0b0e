package dev.vc4j.runtime;

import dev.vc4j.Bundle;
import dev.vc4j.NetworkConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    /** {@code ip -o link show} of a namespace with a few links is a few hundred bytes. */
    private static final int MAX_OUTPUT = 1 << 20;

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

    /** The namespace's links, through {@code nsenter} with a deadline; a failure names the command. */
    private static String links(Path namespace) {
        List<String> command = List.of("nsenter", "--net=" + namespace, "--", "ip", "-o", "link", "show");
        String shown = String.join(" ", command);
        Path out = null;
        try {
            out = Files.createTempFile("vc-runtime-links", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new RuntimeFailure(shown + " did not finish within " + DEADLINE.toSeconds() + " s");
            }
            String output;
            try (InputStream in = Files.newInputStream(out)) {
                output = new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            }
            if (process.exitValue() != 0) {
                throw new RuntimeFailure("the bundle's network namespace " + namespace + ": " + shown
                        + " failed with status " + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new RuntimeFailure("cannot run " + shown + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while running " + shown, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    RuntimeLog.current().write("debug", "cannot remove " + out + ": " + e.getMessage());
                }
            }
        }
    }
}
