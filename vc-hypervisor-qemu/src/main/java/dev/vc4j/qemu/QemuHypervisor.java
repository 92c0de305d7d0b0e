package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.BlockDriver;
import dev.vc4j.HostCheck;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmFactory;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The QEMU driver, registered for {@link java.util.ServiceLoader}. */
public final class QemuHypervisor implements Hypervisor {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");

    @Override
    public Vm start(VmSpec spec) {
        requireColdplugFits(spec);
        Accelerator accel = AcceleratorProbe.resolve(spec.config(), spec.hostCache());
        RunFiles files = new RunFiles(spec.runDir());
        OptionalLong vsockCid = VsockCids.allocate(spec.config().vsock());
        // entering the network namespace takes CAP_SYS_ADMIN, which the confinement drops: nsenter goes first
        List<String> argv = QemuCommandLine.inNetworkNamespace(
                spec,
                QemuConfinement.launchArgv(
                        QemuCommandLine.forSandbox(spec, accel, files, vsockCid),
                        QemuView.forSandbox(spec, accel, vsockCid)));
        // the virtio-serial port is always there; with a vsock device the agent is reached over vsock
        AgentChannel agentChannel = vsockCid.isPresent()
                ? AgentChannel.vsock(vsockCid.getAsLong(), AgentChannel.AGENT_VSOCK_PORT)
                : AgentChannel.virtioSerial(files.agentSocket());
        long launched;
        QemuProcess qemu;
        try {
            QemuView.openReach(files);
            launched = System.nanoTime();
            qemu = QemuProcess.launch(argv, files.qemuLog(), files.consoleLog());
        } catch (RuntimeException e) {
            files.removeAll();
            throw e;
        }
        try {
            VmRecord record = new VmRecord(qemu.pid(), qemu.startTime(), accel, agentChannel);
            LaunchRecord.write(files, record);
            QemuVm vm = connect(qemu, files, record, spec.config().startTimeoutFor(accel), launched);
            qemu.readsConsoleWith(ConsoleRing.start(files.consoleSocket(), files.consoleLog(), spec.sandboxId()));
            LOG.debug(
                    "QEMU pid {} started on {}, its QMP ready in {} ms",
                    qemu.pid(),
                    accel,
                    vm.timeToControlReady().toMillis());
            return vm;
        } catch (RuntimeException e) {
            if (qemu.isAlive()) {
                qemu.kill();
            }
            files.removeAll();
            throw e;
        }
    }

    /** Bad drives fail before anything is created, naming the drive. */
    private static void requireColdplugFits(VmSpec spec) {
        for (int i = 0; i < spec.drives().size(); i++) {
            spec.drives().get(i).validate("drives[" + i + "]");
        }
        int ports = spec.config().hotplugRootPorts();
        if (spec.config().blockDriver() == BlockDriver.VIRTIO_BLK
                && spec.drives().size() > ports) {
            throw new InvalidConfigException(
                    "drives",
                    spec.drives().size() + " drives",
                    "each takes a root port and hypervisor.hotplugRootPorts is " + ports);
        }
    }

    @Override
    public Vm attach(VmRecord record, Path runDir, Duration timeout) {
        RunFiles files = new RunFiles(runDir);
        QemuProcess qemu = QemuProcess.attach(record.pid(), record.startTime(), files.qemuLog(), files.consoleLog())
                .orElseThrow(() -> new HypervisorException("QEMU (pid " + record.pid() + ") is no longer running"));
        QemuVm vm = connect(qemu, files, record, timeout, System.nanoTime());
        LOG.debug("attached to QEMU pid {}", record.pid());
        return vm;
    }

    /** Opens the control and the monitor QMP connections; gives up at once if QEMU ends meanwhile. */
    static QemuVm connect(QemuProcess qemu, RunFiles files, VmRecord record, Duration timeout, long since) {
        Runnable alive = () -> {
            if (!qemu.isAlive()) {
                throw new HypervisorException("QEMU failed to start: " + qemu.exitDescription());
            }
        };
        QmpClient control = QmpClient.connect(files.controlSocket(), timeout, alive);
        try {
            Duration controlReady = Duration.ofNanos(System.nanoTime() - since);
            QmpClient monitor = QmpClient.connect(files.monitorSocket(), timeout, alive);
            return new QemuVm(qemu, files, record, controlReady, control, monitor);
        } catch (RuntimeException e) {
            control.close();
            throw e;
        }
    }

    @Override
    public HostCheck check(HypervisorConfig config, Path hostCache) {
        return QemuHostCheck.run(config, hostCache);
    }

    @Override
    public Optional<VmFactory> templates(Path root) {
        return Optional.of(new QemuTemplates(this, root));
    }

    @Override
    public boolean isRunning(VmRecord record) {
        return ProcessIdentity.isRunning(record.pid(), record.startTime());
    }

    @Override
    public Optional<VmRecord> launched(Path runDir) {
        return LaunchRecord.read(new RunFiles(runDir));
    }

    @Override
    public void destroy(VmRecord record, Path runDir) {
        RunFiles files = new RunFiles(runDir);
        QemuProcess.attach(record.pid(), record.startTime(), files.qemuLog(), files.consoleLog())
                .ifPresent(QemuProcess::kill);
        files.removeLiveFiles();
    }
}
