package dev.vc4j.internal;

import dev.vc4j.GuestDetails;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Sandbox;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.Vm;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Resizing a {@link Sandbox}'s VM: vCPUs and memory hot-plugged or unplugged by the hypervisor, then brought
 * online in the guest by the agent (OnlineCPUMem). The guest learns of a plugged device through ACPI a
 * moment after QEMU added it, so the agent is asked again until the guest reports what was asked for.
 */
public final class SandboxResizer {
    /** A guest under TCG takes up to a few seconds to probe a hot-added device. */
    private static final Duration GUEST_WAIT = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 100;

    private final HypervisorConfig hv;
    private final GuestLink link;

    public SandboxResizer(HypervisorConfig hypervisor, GuestLink link) {
        this.hv = hypervisor;
        this.link = link;
    }

    /** Throws {@link InvalidConfigException} unless {@code vcpus} is 1 to hypervisor.maxVcpus. */
    public void checkVcpus(int vcpus) {
        if (vcpus < 1 || vcpus > hv.maxVcpus()) {
            throw new InvalidConfigException(
                    "vcpus", vcpus, "must be 1 to hypervisor.maxVcpus (" + hv.maxVcpus() + ")");
        }
    }

    /** Brings the VM of {@code record} to {@code vcpus} (checked); the caller holds the exclusive lock. */
    public GuestDetails vcpus(SandboxRecord record, int vcpus) {
        Vm vm = link.vm(record);
        int now = vm.resources().vcpus();
        if (vcpus > now) {
            vm.hotplugVcpus(vcpus - now);
        } else if (vcpus < now) {
            vm.unplugVcpus(now - vcpus);
        }
        return guestHas(record, vcpus > now, d -> d.onlineCpus() == vcpus, vcpus + " vCPUs online");
    }

    /**
     * Throws {@link InvalidConfigException} unless {@code memoryMib} is the boot memory plus whole blocks,
     * within hypervisor.maxMemoryMib.
     */
    public void checkMemory(int memoryMib) {
        int block = HypervisorConfig.MEMORY_BLOCK_MIB;
        if (memoryMib < hv.memoryMib() || memoryMib > hv.maxMemoryMib() || (memoryMib - hv.memoryMib()) % block != 0) {
            throw new InvalidConfigException(
                    "memoryMib",
                    memoryMib,
                    "must be hypervisor.memoryMib (" + hv.memoryMib() + ") plus a multiple of " + block
                            + ", at most hypervisor.maxMemoryMib (" + hv.maxMemoryMib() + ")");
        }
    }

    /** Brings the VM of {@code record} to {@code memoryMib} (checked); the caller holds the exclusive lock. */
    public GuestDetails memory(SandboxRecord record, int memoryMib) {
        Vm vm = link.vm(record);
        int now = vm.resources().memoryMib();
        long wantedKib = link.call(record, AgentSession::guestDetails).memTotalKib() + (memoryMib - now) * 1024L;
        if (memoryMib > now) {
            vm.hotplugMemory(memoryMib - now);
        } else if (memoryMib < now) {
            vm.unplugMemory(now - memoryMib);
        }
        return guestHas(record, memoryMib > now, d -> d.memTotalKib() == wantedKib, "MemTotal " + wantedKib + " KiB");
    }

    /**
     * Polls the guest until it reports {@code done}; after a plug ({@code added}) the agent onlines what has
     * appeared each time. An unplugged device is gone from the guest before QEMU reports it deleted.
     */
    private GuestDetails guestHas(SandboxRecord record, boolean added, Predicate<GuestDetails> done, String wanted) {
        long deadline = System.nanoTime() + GUEST_WAIT.toNanos();
        while (true) {
            if (added) {
                link.call(record, agent -> agent.onlineCpuMem(0, true));
            }
            GuestDetails details = link.call(record, AgentSession::guestDetails);
            if (done.test(details)) {
                return details;
            }
            if (System.nanoTime() > deadline) {
                throw new VcTimeoutException(
                        "the guest reporting " + wanted + " (it reports " + details.onlineCpus()
                                + " vCPUs online, MemTotal " + details.memTotalKib() + " KiB)",
                        GUEST_WAIT,
                        null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VcTimeoutException("the guest reporting " + wanted + " (interrupted)", GUEST_WAIT, e);
            }
        }
    }
}
