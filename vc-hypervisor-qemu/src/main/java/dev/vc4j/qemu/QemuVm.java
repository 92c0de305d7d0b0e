package dev.vc4j.qemu;

import dev.vc4j.Drive;
import dev.vc4j.HypervisorException;
import dev.vc4j.VcException;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.HotpluggedDrive;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * A running VM and everything it owns: the QEMU process, the QMP connection on the control socket
 * (commands) and the one on the monitor socket (events, so a dying guest is seen without a command).
 */
final class QemuVm implements Vm {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu");
    private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final QemuProcess process;
    private final RunFiles files;
    private final VmRecord record;
    private final Duration timeToControlReady;
    private final QmpClient control;
    private final QmpClient monitor;
    private final BlockHotplug blocks;
    private final ResourceHotplug resources;
    private final NicHotplug nics;
    private final List<String> lastEvents = new CopyOnWriteArrayList<>();
    /** Completed when the VM ends; cancelled by {@link #close()}, which drops the actions of {@link #onExit}. */
    private final CompletableFuture<Object> ended = new CompletableFuture<>();

    private boolean stopped;
    /** What the guest's interfaces are, of those planned: a clone's guest kept its template's MACs. */
    private volatile UnaryOperator<List<NetworkEndpoint>> guestNetwork = UnaryOperator.identity();

    QemuVm(
            QemuProcess process,
            RunFiles files,
            VmRecord record,
            Duration timeToControlReady,
            QmpClient control,
            QmpClient monitor) {
        this.process = process;
        this.files = files;
        this.record = record;
        this.timeToControlReady = timeToControlReady;
        this.control = control;
        this.monitor = monitor;
        this.blocks = new BlockHotplug(control, files, process.pid());
        this.resources = new ResourceHotplug(control, record.accelerator());
        this.nics = new NicHotplug(control);
        // the monitor connection breaks the moment the kernel closes a dying QEMU's sockets, before the process
        // is reaped (and without polling when QEMU is not this JVM's child), so whichever comes first counts
        monitor.onConnectionLost(ended::complete);
        process.onExit().thenAccept(ended::complete);
        // what the VM said on its way out (a panic comes before its shutdown), for deathReason()
        for (String name : new String[] {"GUEST_PANICKED", "SHUTDOWN"}) {
            monitor.onEvent(name, data -> lastEvents.add(name + " " + data));
        }
    }

    void keepGuestNetwork(UnaryOperator<List<NetworkEndpoint>> guestNetwork) {
        this.guestNetwork = guestNetwork;
    }

    @Override
    public List<NetworkEndpoint> guestNetwork(List<NetworkEndpoint> planned) {
        return guestNetwork.apply(planned);
    }

    @Override
    public VmRecord record() {
        return record;
    }

    @Override
    public AgentChannel agentChannel() {
        // a record from before the channel was recorded: such VMs have virtio-serial only
        return record.agentChannel() != null ? record.agentChannel() : AgentChannel.virtioSerial(files.agentSocket());
    }

    @Override
    public Duration timeToControlReady() {
        return timeToControlReady;
    }

    @Override
    public boolean isAlive() {
        return !monitor.isLost() && process.isAlive();
    }

    @Override
    public boolean awaitEnd(Duration timeout) {
        try {
            ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | CancellationException | ExecutionException e) {
            // not ended within the timeout, or this handle was closed: isAlive() below answers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !isAlive();
    }

    @Override
    public Optional<String> deathReason() {
        if (isAlive()) {
            return Optional.empty();
        }
        // a lost monitor means QEMU is on its way out: wait for the exit status that explains it
        process.waitFor(QUIT_TIMEOUT);
        String event = lastEvents.isEmpty() ? "" : " after the events " + String.join(", ", lastEvents);
        return Optional.of(process.exitDescription() + event);
    }

    /** Each action gets a thread of its own: it may block (on a lock, say) without holding up the others. */
    @Override
    public void onExit(Runnable action) {
        ended.thenRunAsync(action, runnable -> {
            Thread thread = new Thread(runnable, "vc4j-vm-end-" + record.pid());
            thread.setDaemon(true);
            thread.start();
        });
    }

    @Override
    public HotpluggedDrive hotplugDrive(Drive drive) {
        return blocks.plug(drive);
    }

    @Override
    public void unplugDrive(HotpluggedDrive drive) {
        blocks.unplug(drive);
    }

    @Override
    public List<HotpluggedDrive> drives() {
        return blocks.drives();
    }

    @Override
    public void hotplugNic(NetworkEndpoint nic) {
        nics.plug(nic);
    }

    @Override
    public void unplugNic(NetworkEndpoint nic) {
        nics.unplug(nic);
    }

    @Override
    public List<String> blockNodes() {
        return blocks.blockNodes();
    }

    @Override
    public int hotplugVcpus(int count) {
        return resources.addVcpus(count);
    }

    @Override
    public void hotplugMemory(int mib) {
        resources.addMemory(mib);
    }

    @Override
    public int unplugVcpus(int count) {
        return resources.removeVcpus(count);
    }

    @Override
    public void unplugMemory(int mib) {
        resources.removeMemory(mib);
    }

    @Override
    public VmResources resources() {
        return resources.size();
    }

    @Override
    public String runState() {
        return control.execute("query-status", null, COMMAND_TIMEOUT)
                .path("status")
                .asText();
    }

    @Override
    public void pause() {
        control.execute("stop", null, COMMAND_TIMEOUT);
        requireStatus("paused");
    }

    /** Its QMP control connection, for the driver's own commands to a VM it just started. */
    QmpClient control() {
        return control;
    }

    @Override
    public void resume() {
        control.execute("cont", null, COMMAND_TIMEOUT);
        requireStatus("running");
    }

    /** stop and cont return before the VM changed state in every case; query-status tells for sure. */
    private void requireStatus(String wanted) {
        String status = runState();
        if (!status.equals(wanted)) {
            throw new HypervisorException(
                    "QEMU (pid " + record.pid() + ") reports the VM " + status + ", not " + wanted);
        }
    }

    @Override
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        try {
            if (process.isAlive() && !grace.isZero()) {
                quietly(() -> control.execute("system_powerdown", null, COMMAND_TIMEOUT));
                process.waitFor(grace);
                if (process.isAlive()) {
                    LOG.warn(
                            "the guest did not power off within {} ms: QEMU pid {} is told to quit",
                            grace.toMillis(),
                            record.pid());
                }
            }
            if (process.isAlive()) {
                quietly(() -> control.execute("quit", null, COMMAND_TIMEOUT));
                process.waitFor(QUIT_TIMEOUT);
            }
            if (process.isAlive()) {
                LOG.warn("QEMU pid {} did not quit within {} ms: it is killed", record.pid(), QUIT_TIMEOUT.toMillis());
                process.kill();
            }
            LOG.debug("QEMU pid {} ended", record.pid());
        } finally {
            control.close();
            monitor.close();
            files.removeLiveFiles();
            stopped = true;
        }
    }

    @Override
    public void close() {
        ended.cancel(false);
        control.close();
        monitor.close();
    }

    /** A command to a QEMU on its way out may fail for many reasons; the next, harsher step follows anyway. */
    private static void quietly(Runnable command) {
        try {
            command.run();
        } catch (VcException e) {
            // fall through to the next step
        }
    }
}
