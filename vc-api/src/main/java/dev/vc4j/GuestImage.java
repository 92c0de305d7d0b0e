package dev.vc4j;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the guest kernel and initrd built by guest/image are found when a config does not name them:
 * the system property {@code vc4j.guest.dir}, else the environment variable {@code VC4J_GUEST_DIR},
 * else {@code /usr/share/vc4j/guest}.
 */
public record GuestImage(Path kernel, Path initrd) {
    public static final String DIR_PROPERTY = "vc4j.guest.dir";
    public static final String DIR_ENV = "VC4J_GUEST_DIR";

    public static GuestImage locate() {
        Path dir = directory();
        return new GuestImage(dir.resolve("vmlinux"), dir.resolve("initrd.img"));
    }

    public static Path directory() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(DIR_ENV);
        }
        return Path.of(dir == null || dir.isBlank() ? "/usr/share/vc4j/guest" : dir);
    }

    /** qboot starts a PVH kernel faster than SeaBIOS; used when the host has it. */
    static Path defaultBios() {
        Path qboot = Path.of("/usr/share/qemu/qboot.rom");
        return Files.isReadable(qboot) ? qboot : null;
    }
}
