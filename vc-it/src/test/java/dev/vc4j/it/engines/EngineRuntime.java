package dev.vc4j.it.engines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The OCI runtime binary the engines run containers through, and what the tests may expect of it.
 *
 * @param binary the runtime's executable, registered with podman and given to containerd as its runc binary
 * @param inVm whether its containers run in a VM of their own: vc-runtime's do, so their kernel is not the host's
 * @param stateRoot where the runtime keeps a directory per container, which must be gone after the container is
 * @param environment what the runtime needs in its environment; engines pass it on only when told to (podman
 *     gives conmon, and so the runtime, a fixed environment)
 */
record EngineRuntime(Path binary, boolean inVm, Path stateRoot, Map<String, String> environment) {
    /** The property naming the runtime binary the acceptance tests of issue 11 run. */
    static final String BINARY_PROPERTY = "vc4j.runtime.binary";
    /** The property naming that runtime's state root, when it is not vc-runtime's default. */
    static final String ROOT_PROPERTY = "vc4j.runtime.root";

    EngineRuntime {
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException("runtime binary " + binary + " is not an executable file");
        }
    }

    /** The runtime {@code vc4j.runtime.binary} names; a missing property fails, it never skips. */
    static EngineRuntime fromProperties() {
        String binary = System.getProperty(BINARY_PROPERTY);
        if (binary == null || binary.isBlank()) {
            throw new IllegalStateException(
                    "-D" + BINARY_PROPERTY + " must name the OCI runtime binary these tests run containers through");
        }
        Path path = Path.of(binary).toAbsolutePath();
        boolean vcRuntime = path.getFileName().toString().equals("vc-runtime");
        Path root = Path.of(System.getProperty(ROOT_PROPERTY, vcRuntime ? "/run/vc-runtime" : "/run/runc"));
        // vc-runtime's launcher finds the guest kernel and initrd there, when it is not installed
        String guestDir = System.getProperty("vc4j.guest.dir");
        return new EngineRuntime(
                path, vcRuntime, root, guestDir == null ? Map.of() : Map.of("VC4J_GUEST_DIR", guestDir));
    }

    /** Debian's runc: containers share the host's kernel; podman and containerd call it with its default root. */
    static EngineRuntime runc() {
        return new EngineRuntime(Path.of("/usr/bin/runc"), false, Path.of("/run/runc"), Map.of());
    }

    /** The name it is registered under in containers.conf. */
    String name() {
        return binary.getFileName().toString();
    }
}
