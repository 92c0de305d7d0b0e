package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.StorageException;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Building a template VM and starting clones of it. The template's RAM is a file mapped shared, so once its
 * agent answered, QEMU stops it and migrates only its device state (x-ignore-shared) to the state file; the RAM
 * stays in the memory file. A clone maps that file private (copy-on-write: pages it never writes stay shared
 * with the page cache), starts with {@code -incoming defer} and loads the device state.
 */
final class QemuTemplate {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REFUSAL_NOTICE = Duration.ofSeconds(1);

    private QemuTemplate() {}

    /**
     * Boots the template of {@code shape} for {@code spec} in {@code entry}'s directory and saves it; the template
     * VM is gone afterwards. On failure nothing of the template is left but its lock.
     */
    static void build(TemplateShape shape, VmSpec spec, TemplateStore.Entry entry) {
        long started = System.nanoTime();
        entry.clear();
        VmSpec template = shape.templateSpec(spec, entry.dir);
        long memoryBytes = spec.config().memoryMib() * 1024L * 1024L;
        QemuProcess qemu = null;
        try {
            makeDirs(template);
            requireSpace(entry.memory(), memoryBytes);
            TemplateStore.createPrivate(entry.memory()); // QEMU would make it world-readable: it holds guest RAM
            RunFiles files = new RunFiles(template.runDir());
            List<String> argv = new ArrayList<>(shape.templateArgv(template));
            argv.addAll(memoryBackend(entry.memory(), spec, true));
            // confined as a sandbox's QEMU is, but for the mount namespace (see README, Confinement of QEMU)
            qemu = QemuProcess.launch(QemuConfinement.launchArgv(argv), files.qemuLog(), files.consoleLog());
            QemuProcess launched = qemu;
            Runnable alive = () -> requireAlive(launched, "the template VM");
            Duration timeout = spec.config().startTimeoutFor(shape.accel());
            try (QmpClient qmp = QmpClient.connect(files.controlSocket(), timeout, alive)) {
                TemplateAgentWait.await(files.agentSocket(), timeout, alive);
                qmp.execute("stop", null, COMMAND_TIMEOUT);
                MigrationStream.ignoreShared(qmp, COMMAND_TIMEOUT);
                MigrationStream.save(qmp, template.runDir().resolve("save.sock"), entry.state(), SAVE_TIMEOUT);
                qmp.execute("quit", null, COMMAND_TIMEOUT);
            }
            qemu.waitFor(COMMAND_TIMEOUT);
            entry.writeMeta(new TemplateStore.Meta(
                    TemplateStore.FORMAT, shape.inputs(), memoryBytes, System.currentTimeMillis()));
            removeBuildFiles(entry.dir);
            LOG.info(
                    "built VM template {} in {} ms ({} bytes of device state)",
                    shape.key(),
                    (System.nanoTime() - started) / 1_000_000,
                    size(entry.state()));
        } catch (RuntimeException e) {
            if (qemu != null && qemu.isAlive()) {
                qemu.kill();
            }
            entry.clear();
            throw e;
        }
    }

    /**
     * Starts a clone of the template in {@code entry} for {@code spec}; returns once its device state is loaded
     * and it runs. On failure nothing of the clone is left running and its run files are removed.
     */
    static Vm start(TemplateShape shape, VmSpec spec, TemplateStore.Entry entry) {
        // the view of a sandbox's QEMU, and the template's memory, mapped private
        QemuView view =
                QemuView.forSandbox(spec, shape.accel(), OptionalLong.empty()).readWrite(entry.memory());
        RunFiles files = new RunFiles(spec.runDir());
        try {
            QemuView.openReach(files);
        } catch (RuntimeException e) {
            files.removeAll();
            throw e;
        }
        long launched = System.nanoTime();
        return resume(
                restorePaused(shape, spec, entry, argv -> QemuConfinement.launchArgv(argv, view)),
                shape,
                spec,
                launched);
    }

    /**
     * Launches a clone of the template in {@code entry} in {@code spec}'s run directory, its argv passed through
     * {@code confinement}, and loads its device state; its vCPUs stay stopped ({@code -S}) until {@link #resume}.
     * On failure nothing of it is left running and its run files are removed.
     */
    static QemuProcess restorePaused(
            TemplateShape shape, VmSpec spec, TemplateStore.Entry entry, UnaryOperator<List<String>> confinement) {
        RunFiles files = new RunFiles(spec.runDir());
        List<String> argv = new ArrayList<>(shape.cloneArgv(spec));
        argv.addAll(memoryBackend(entry.memory(), spec, false));
        argv.addAll(List.of("-S", "-incoming", "defer"));
        QemuProcess qemu = QemuProcess.launch(confinement.apply(argv), files.qemuLog(), files.consoleLog());
        Runnable alive = () -> requireAlive(qemu, "the clone");
        try {
            // a JVM killed from here on leaves a QEMU that cleanup() finds by this record
            LaunchRecord.write(files, new VmRecord(qemu.pid(), qemu.startTime(), shape.accel()));
            Duration timeout = spec.config().startTimeoutFor(shape.accel());
            try (QmpClient qmp = QmpClient.connect(files.controlSocket(), timeout, alive)) {
                MigrationStream.ignoreShared(qmp, COMMAND_TIMEOUT);
                MigrationStream.restore(qmp, spec.runDir().resolve("restore.sock"), entry.state(), timeout, alive);
            }
            return qemu;
        } catch (RuntimeException e) {
            throw failed(qemu, files, e);
        }
    }

    /**
     * Lets a restored clone whose run files are in {@code spec}'s run directory run, and connects to it. On
     * failure it is killed and its run files are removed.
     */
    static Vm resume(QemuProcess qemu, TemplateShape shape, VmSpec spec, long launched) {
        RunFiles files = new RunFiles(spec.runDir());
        try {
            Duration timeout = spec.config().startTimeoutFor(shape.accel());
            VmRecord record = new VmRecord(
                    qemu.pid(), qemu.startTime(), shape.accel(), AgentChannel.virtioSerial(files.agentSocket()));
            QemuVm vm = QemuHypervisor.connect(qemu, files, record, timeout, launched);
            qemu.readsConsoleWith(ConsoleRing.start(files.consoleSocket(), files.consoleLog(), spec.sandboxId()));
            try {
                CloneNetwork.uplink(vm.control(), spec.network(), COMMAND_TIMEOUT);
                vm.resume();
            } catch (RuntimeException e) {
                vm.close();
                throw e;
            }
            vm.keepGuestNetwork(shape::withTemplateMacs);
            return vm;
        } catch (RuntimeException e) {
            throw failed(qemu, files, e);
        }
    }

    /** Kills a clone that failed and removes its run files; a QEMU that refused the state names its reason. */
    private static RuntimeException failed(QemuProcess qemu, RunFiles files, RuntimeException e) {
        RuntimeException failure = qemu.waitFor(REFUSAL_NOTICE)
                ? new HypervisorException("the clone failed: " + qemu.exitDescription(), e)
                : e;
        qemu.kill(); // a no-op once it ended
        files.removeAll();
        return failure;
    }

    /** The guest's RAM as a file: shared while the template is built, private (copy-on-write) in a clone. */
    private static List<String> memoryBackend(Path memory, VmSpec spec, boolean share) {
        return List.of(
                "-object",
                "memory-backend-file,id=pc.ram,size=" + spec.config().memoryMib() + "M,mem-path="
                        + QemuCommandLine.option(memory) + ",share=" + (share ? "on" : "off"),
                "-machine",
                "memory-backend=pc.ram");
    }

    /**
     * A guest writing RAM into a file on a full tmpfs gets SIGBUS, not an error: the space is checked before the
     * template boots.
     */
    private static void requireSpace(Path memory, long bytes) {
        try {
            long usable = Files.getFileStore(memory.getParent()).getUsableSpace();
            if (usable < bytes) {
                throw new StorageException(
                        "no space for the template's memory (" + bytes + " bytes, " + usable + " free) in",
                        memory.getParent(),
                        null);
            }
        } catch (IOException e) {
            throw new StorageException("cannot tell the free space for the template's memory in", memory, e);
        }
    }

    private static void makeDirs(VmSpec template) {
        List<Path> dirs = new ArrayList<>(List.of(template.runDir()));
        if (template.sharedDir() != null) {
            dirs.add(template.sharedDir());
        }
        template.volumes().forEach(v -> dirs.add(v.hostPath()));
        for (Path dir : dirs) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StorageException("cannot create the template's directory", dir, e);
            }
        }
    }

    /** What only the template's boot needed: its run files, shared directory and volumes. */
    private static void removeBuildFiles(Path dir) {
        for (String name : new String[] {"run", "shared", "volumes"}) {
            try {
                TemplateStore.deleteTree(dir.resolve(name));
            } catch (IOException e) {
                LOG.debug("cannot remove the template's {}: {}", name, e.getMessage());
            }
        }
    }

    private static void requireAlive(QemuProcess qemu, String what) {
        if (!qemu.isAlive()) {
            throw new HypervisorException(what + " failed: " + qemu.exitDescription());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
