package dev.vc4j.qemu;

import dev.vc4j.Drive;
import dev.vc4j.HypervisorException;
import dev.vc4j.spi.HostCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The throw-away overlays of drives whose writes must not reach their image, made with {@code qemu-img}
 * (Debian's qemu-utils). An overlay's header names no backing file: QEMU is told its backing in the blockdev,
 * so a name in a header never decides what QEMU opens.
 */
final class QemuImg {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private QemuImg() {}

    /** Makes {@code overlay} empty, of the image's size; one left by an earlier VM is replaced. */
    static void createOverlay(Drive drive, Path overlay) {
        // info opens the image alone, never what a qcow2 header names as its backing
        String info = run(List.of(
                "qemu-img",
                "info",
                "--output=json",
                "-f",
                drive.format(),
                drive.path().toString()));
        long size;
        try {
            size = QemuJson.MAPPER.readTree(info).path("virtual-size").asLong(-1);
        } catch (IOException e) {
            throw new HypervisorException("qemu-img info of " + drive.path() + " is not JSON: " + info.strip(), e);
        }
        if (size < 0) {
            throw new HypervisorException("qemu-img info did not tell the size of " + drive.path());
        }
        run(List.of("qemu-img", "create", "-q", "-f", "qcow2", overlay.toString(), Long.toString(size)));
    }

    private static String run(List<String> argv) {
        return HostCommand.run(argv, TIMEOUT, HypervisorException::new);
    }
}
