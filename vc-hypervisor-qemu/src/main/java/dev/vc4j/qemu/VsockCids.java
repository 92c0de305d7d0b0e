package dev.vc4j.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.OptionalLong;

/**
 * Guest vsock addresses (CIDs). A CID is host-wide, so every VM needs its own: one is drawn at random from
 * the 32-bit space (0-2 are reserved, 0xFFFFFFFF means any), which makes two sandboxes meeting on one
 * astronomically unlikely; QEMU refuses to start with a CID that is in use, so a collision is an error, not
 * a crossed connection.
 */
final class VsockCids {
    private static final Path VHOST_VSOCK = Path.of("/dev/vhost-vsock");
    private static final long FIRST = 3;
    private static final long LAST = 0xFFFF_FFFEL;
    private static final SecureRandom RANDOM = new SecureRandom();

    private VsockCids() {
    }

    /** A CID for a new VM, or empty where the host cannot give guests vsock. */
    static OptionalLong allocate() {
        if (!Files.isWritable(VHOST_VSOCK)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(FIRST + (RANDOM.nextLong() & Long.MAX_VALUE) % (LAST - FIRST + 1));
    }
}
