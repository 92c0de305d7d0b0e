package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorException;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The QEMU driver, registered for {@link java.util.ServiceLoader}. */
public final class QemuHypervisor implements Hypervisor {
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @Override
    public Vm start(VmSpec spec) {
        Accelerator accel = AcceleratorProbe.resolve(spec.config(), spec.hostCache());
        RunFiles files = new RunFiles(spec.runDir());
        List<String> argv = QemuCommandLine.forSandbox(spec, accel, files);
        Duration timeout = spec.config().startTimeoutFor(accel);

        long launched = System.nanoTime();
        QemuProcess qemu = QemuProcess.launch(argv, files.qemuLog(), files.consoleLog());
        QmpClient control = null;
        try {
            Runnable alive = () -> {
                if (!qemu.isAlive()) {
                    throw new HypervisorException("QEMU failed to start: " + qemu.exitDescription());
                }
            };
            control = QmpClient.connect(files.controlSocket(), timeout, alive);
            Duration controlReady = Duration.ofNanos(System.nanoTime() - launched);
            QmpClient monitor = QmpClient.connect(files.monitorSocket(), timeout, alive);
            return new QemuVm(qemu, files, new VmRecord(qemu.pid(), qemu.startTime(), accel), controlReady,
                    control, monitor);
        } catch (RuntimeException e) {
            if (control != null) {
                control.close();
            }
            if (qemu.isAlive()) {
                qemu.kill();
            }
            files.removeAll();
            throw e;
        }
    }

    @Override
    public boolean isRunning(VmRecord record) {
        return ProcessIdentity.isRunning(record.pid(), record.startTime());
    }

    @Override
    public void destroy(VmRecord record, Path runDir) {
        if (isRunning(record)) {
            ProcessHandle.of(record.pid()).ifPresent(handle -> {
                handle.destroyForcibly();
                try {
                    handle.onExit().get(KILL_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    throw new HypervisorException("QEMU (pid " + record.pid() + ") did not end after SIGKILL", e);
                }
            });
        }
        new RunFiles(runDir).removeLiveFiles();
    }
}
