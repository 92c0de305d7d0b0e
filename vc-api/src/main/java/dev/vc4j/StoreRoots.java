package dev.vc4j;

import java.nio.file.Path;

/**
 * The two roots of the store: {@code run} holds what dies with the host (state, locks, sockets; tmpfs),
 * {@code config} holds what must survive a reboot (the configs).
 */
public record StoreRoots(Path run, Path config) {

    public StoreRoots {
        run = run.toAbsolutePath().normalize();
        config = config.toAbsolutePath().normalize();
    }

    /** /run/vc4j and /var/lib/vc4j for root; $XDG_RUNTIME_DIR/vc4j and ~/.local/share/vc4j otherwise. */
    public static StoreRoots defaults() {
        if ("root".equals(System.getProperty("user.name"))) {
            return new StoreRoots(Path.of("/run/vc4j"), Path.of("/var/lib/vc4j"));
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        Path run = xdg == null || xdg.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "vc4j-" + System.getProperty("user.name"))
                : Path.of(xdg, "vc4j");
        return new StoreRoots(run, Path.of(System.getProperty("user.home"), ".local", "share", "vc4j"));
    }

    /** Facts about the host worth keeping until reboot, such as whether KVM works. */
    public Path hostCache() {
        return run.resolve("host");
    }
}
