package dev.vc4j.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real QEMU that runs no guest (no kernel; the tests give the machine, e.g. q35 with {@code -S}), with QMP on a
 * socket in a test's directory: the driver's parts are tested against what QEMU itself answers, without the
 * seconds a guest takes to boot.
 */
final class GuestlessQemu implements AutoCloseable {
    final QemuProcess process;
    final QmpClient qmp;

    private GuestlessQemu(QemuProcess process, QmpClient qmp) {
        this.process = process;
        this.qmp = qmp;
    }

    /** QEMU with {@code args} (the machine first), its argv passed through {@code launcher} as the driver's is. */
    static GuestlessQemu start(Path dir, List<String> args, UnaryOperator<List<String>> launcher) {
        Path socket = dir.resolve("qmp.sock");
        List<String> argv = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-nodefaults",
                "-display",
                "none",
                "-chardev",
                "socket,id=qmp,path=" + socket + ",server=on,wait=off",
                "-mon",
                "chardev=qmp,mode=control"));
        argv.addAll(args);
        QemuProcess process =
                QemuProcess.launch(launcher.apply(argv), dir.resolve("qemu.log"), dir.resolve("console.log"));
        QmpClient qmp = QmpClient.connect(
                socket, Duration.ofSeconds(10), () -> assertTrue(process.isAlive(), process::exitDescription));
        return new GuestlessQemu(process, qmp);
    }

    static GuestlessQemu start(Path dir, List<String> args) {
        return start(dir, args, UnaryOperator.identity());
    }

    @Override
    public void close() {
        qmp.close();
        if (process.isAlive()) {
            process.kill();
        }
    }
}
