package dev.vc4j.spi;

import dev.vc4j.Drive;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running VM, started by this process or taken up from the store ({@link Hypervisor#attach}). It owns the
 * connections to the VM's control sockets; the QEMU process and the sockets themselves are ended by
 * {@link #stop}.
 */
public interface Vm extends AutoCloseable {

    VmRecord record();

    /** How the host reaches the VM's agent: vsock where the VM has it, else its virtio-serial port's socket. */
    AgentChannel agentChannel();

    /**
     * The guest's interfaces: {@code planned}, unless the VM was restored from a template, whose guest kept the
     * template's MAC addresses.
     */
    default List<NetworkEndpoint> guestNetwork(List<NetworkEndpoint> planned) {
        return planned;
    }

    /** From QEMU's process start to the control socket answering. */
    Duration timeToControlReady();

    boolean isAlive();

    /**
     * Waits at most {@code timeout} for the VM to end and returns whether it has. When QEMU dies its agent
     * channel and its monitor socket close at once, but each is noticed on a thread of its own: a caller whose
     * agent connection broke asks this to learn whether the VM is why, whichever side noticed first.
     */
    boolean awaitEnd(Duration timeout);

    /** Freezes the guest's CPUs; returns once QEMU reports the VM paused. */
    void pause();

    /** Lets a paused guest run again; returns once QEMU reports it running. */
    void resume();

    /**
     * Plugs {@code drive} into the running VM and returns once QEMU has added the device (the guest
     * notices it shortly after). Bad input fails before anything changes; a failed plug undoes its steps,
     * so the VM and its other drives are unaffected either way.
     */
    HotpluggedDrive hotplugDrive(Drive drive);

    /** Removes a plugged drive: the device, once QEMU reports it gone, then its block node. */
    void unplugDrive(HotpluggedDrive drive);

    /** The drives plugged now, those plugged at boot included, as QEMU reports them. */
    List<HotpluggedDrive> drives();

    /**
     * Plugs a NIC backed by {@code nic} (a {@link NetworkEndpoint.Backend#TAP} endpoint, with its MAC) into the
     * running VM and returns once the hypervisor has added the device (the guest notices it shortly after). A
     * failed plug undoes its steps.
     */
    void hotplugNic(NetworkEndpoint nic);

    /**
     * Removes the NIC {@link #hotplugNic} plugged for {@code nic}: the device, once the hypervisor reports it gone
     * (within a deadline), then its backend. Nothing is done for a NIC the VM does not have.
     */
    void unplugNic(NetworkEndpoint nic);

    /** The names of the block nodes QEMU has open, for diagnosis (and leak checks). */
    List<String> blockNodes();

    /**
     * Adds {@code count} vCPUs, within the config's maxVcpus (checked before any is added); returns the VM's
     * vCPU count after.
     * The guest has to bring them online.
     */
    int hotplugVcpus(int count);

    /** Adds {@code mib} of memory (a multiple of 128) as one DIMM, within maxMemoryMib and memorySlots. */
    void hotplugMemory(int mib);

    /**
     * Removes {@code count} hot-added vCPUs, the last added first; returns the VM's vCPU count after. The guest
     * gives each up (it takes it offline first); one it refuses or does not give up within a deadline stays,
     * with an error. QEMU supports it under KVM only.
     */
    int unplugVcpus(int count);

    /**
     * Removes hot-added DIMMs summing to {@code mib}, the last added first. The guest has to take their memory
     * offline first, which Linux only manages for memory onlined movable; a DIMM it refuses (an error naming its
     * answer) or does not give up within a deadline stays plugged and in use.
     */
    void unplugMemory(int mib);

    /** What the VM has now: vCPUs and memory, boot and hot-added. */
    VmResources resources();

    /** QEMU's run state of the VM ({@code running}, {@code paused}, {@code shutdown}, ...), one QMP round trip. */
    String runState();

    /**
     * Why the VM is gone, in words for a user (exit status, the tail of QEMU's stderr and of the guest
     * console); empty while it runs.
     */
    Optional<String> deathReason();

    /**
     * Registers an action run once, on a background thread, when the VM ends for any reason: the first of
     * its monitor connection breaking (within milliseconds of a SIGKILL or a crash, with no command pending)
     * and its process ending. The core uses it to move the sandbox to stopped. The action may block: it has a
     * thread of its own. Actions not run yet when this handle is {@linkplain #close() closed} are dropped.
     */
    void onExit(Runnable action);

    /**
     * Stops the VM: a graceful power-down for at most {@code grace}, then QMP quit, then SIGKILL; reaps
     * the process and removes its sockets and pid file. Idempotent.
     */
    void stop(Duration grace);

    /** Releases this handle's connections and drops its {@link #onExit} actions; the VM keeps running. */
    @Override
    void close();
}
