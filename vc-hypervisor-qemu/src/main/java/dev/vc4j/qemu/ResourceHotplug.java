package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VcException;
import dev.vc4j.spi.VmResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * CPUs and memory added to a running VM, into the room the command line reserved (maxcpus, slots and
 * maxmem), and removed again. QEMU adds them; the guest still has to bring them online (the agent's job).
 * Only what was added this way can be removed, newest first, and only with the guest's consent (see
 * {@link AcpiUnplug}).
 */
final class ResourceHotplug {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** The guest offlines a vCPU or migrates a DIMM's pages away first: seconds under TCG. */
    private static final Duration UNPLUG_TIMEOUT = Duration.ofSeconds(20);

    private static final String CPU_PREFIX = "vc4j-cpu";
    /** Where QEMU puts the devices added with an id. */
    private static final String PLUGGED_PATH = "/machine/peripheral/";

    private static final String DIMM_PREFIX = "vc4j-dimm-";
    private static final String BACKEND_PREFIX = "vc4j-mem-";

    private final QmpClient qmp;
    private final Accelerator accel;

    ResourceHotplug(QmpClient qmp, Accelerator accel) {
        this.qmp = qmp;
        this.accel = accel;
    }

    /**
     * Adds {@code count} vCPUs, refused before any is added when there is no room for all; a device_add QEMU refuses
     * midway leaves the earlier ones in, which its error says. Returns the new total.
     */
    synchronized int addVcpus(int count) {
        JsonNode cpus = hotpluggableCpus();
        int present = present(cpus);
        List<JsonNode> free = new ArrayList<>();
        cpus.forEach(cpu -> {
            if (!cpu.has("qom-path")) {
                free.add(cpu);
            }
        });
        if (count < 1 || count > free.size()) {
            throw new InvalidConfigException(
                    "vcpus",
                    count,
                    "can add 1 to " + free.size() + " vCPUs: the VM has " + present + " of " + (present + free.size())
                            + " (hypervisor.maxVcpus)");
        }
        // QEMU lists the free slots highest first; fill them from the lowest, as the guest numbers them
        for (int i = 0; i < count; i++) {
            JsonNode slot = free.get(free.size() - 1 - i);
            ObjectNode args = QemuJson.object()
                    .put("driver", slot.path("type").asText())
                    .put("id", CPU_PREFIX + UUID.randomUUID().toString().substring(0, 8));
            slot.path("props").fields().forEachRemaining(prop -> args.set(prop.getKey(), prop.getValue()));
            try {
                qmp.execute("device_add", args, COMMAND_TIMEOUT);
            } catch (VcException e) {
                // the room was counted first, so this is QEMU refusing: say how many got in
                e.addSuppressed(new HypervisorException("added " + i + " of " + count + " vCPUs before QEMU refused;"
                        + " the VM has " + (present + i)));
                throw e;
            }
        }
        return present + count;
    }

    /** Adds one DIMM of {@code mib}, backed by anonymous host memory; a refused DIMM leaves no backend behind. */
    synchronized void addMemory(int mib) {
        if (mib < HypervisorConfig.MEMORY_BLOCK_MIB || mib % HypervisorConfig.MEMORY_BLOCK_MIB != 0) {
            throw new InvalidConfigException(
                    "memoryMib", mib, "must be a positive multiple of " + HypervisorConfig.MEMORY_BLOCK_MIB);
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        String backend = BACKEND_PREFIX + id;
        qmp.execute(
                "object-add",
                QemuJson.object()
                        .put("qom-type", "memory-backend-ram")
                        .put("id", backend)
                        .put("size", (long) mib << 20),
                COMMAND_TIMEOUT);
        try {
            qmp.execute(
                    "device_add",
                    QemuJson.object()
                            .put("driver", "pc-dimm")
                            .put("id", DIMM_PREFIX + id)
                            .put("memdev", backend),
                    COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            try {
                qmp.execute("object-del", QemuJson.object().put("id", backend), COMMAND_TIMEOUT);
            } catch (VcException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
    }

    /** Removes {@code count} hot-added vCPUs, the last added first; returns the new total. */
    synchronized int removeVcpus(int count) {
        if (accel == Accelerator.TCG) {
            // measured with QEMU 7.2: the removed vCPU's TCG state is used after it is freed, and QEMU aborts
            // ("double free or corruption") at the VM's next memory map change, such as a memory or drive hotplug
            throw new HypervisorException("vCPU hot-unplug needs KVM: under TCG, QEMU corrupts its own memory when a"
                    + " vCPU goes and crashes later; the VM keeps its " + present(hotpluggableCpus()) + " vCPUs");
        }
        JsonNode cpus = hotpluggableCpus();
        int present = present(cpus);
        // highest first, as QEMU lists them: the reverse of the order addVcpus fills them
        List<Integer> added = new ArrayList<>();
        for (int i = 0; i < cpus.size(); i++) {
            if (cpus.get(i).path("qom-path").asText().startsWith(PLUGGED_PATH + CPU_PREFIX)) {
                added.add(i);
            }
        }
        if (count < 1 || count > added.size()) {
            throw new InvalidConfigException(
                    "vcpus",
                    count,
                    "can remove 1 to " + added.size() + " vCPUs: only hot-added ones can go, and the VM has "
                            + added.size() + " of its " + present);
        }
        for (int i = 0; i < count; i++) {
            String path = cpus.get(added.get(i)).path("qom-path").asText();
            // the guest numbers its ACPI CPU slots from the lowest, QEMU lists them from the highest
            String slot = Integer.toString(cpus.size() - 1 - added.get(i));
            AcpiUnplug.remove(qmp, path.substring(PLUGGED_PATH.length()), "CPU", slot, UNPLUG_TIMEOUT, () -> {
                for (JsonNode cpu : hotpluggableCpus()) {
                    if (path.equals(cpu.path("qom-path").asText())) {
                        return false;
                    }
                }
                return true;
            });
        }
        return present - count;
    }

    /**
     * Removes hot-added DIMMs summing to {@code mib}, the last added (highest address) first, each with its
     * backend once QEMU has deleted it.
     */
    synchronized void removeMemory(int mib) {
        List<JsonNode> dimms = dimms();
        dimms.sort((a, b) ->
                Long.compareUnsigned(b.path("addr").asLong(), a.path("addr").asLong()));
        List<JsonNode> chosen = new ArrayList<>();
        long left = (long) mib << 20;
        for (int i = 0; i < dimms.size() && left > 0; i++) {
            chosen.add(dimms.get(i));
            left -= dimms.get(i).path("size").asLong();
        }
        if (mib < 1 || left != 0) {
            List<Long> sizes =
                    dimms.stream().map(d -> d.path("size").asLong() >> 20).toList();
            throw new InvalidConfigException(
                    "memoryMib",
                    mib,
                    "the hot-added DIMMs are, newest first, " + sizes
                            + " MiB: only a sum of them counted from the newest can be removed");
        }
        for (JsonNode dimm : chosen) {
            String id = dimm.path("id").asText();
            AcpiUnplug.remove(
                    qmp,
                    id,
                    "DIMM",
                    dimm.path("slot").asText(),
                    UNPLUG_TIMEOUT,
                    () -> dimms().stream().noneMatch(d -> id.equals(d.path("id").asText())));
            String backend = dimm.path("memdev").asText().replaceFirst("^/objects/", "");
            qmp.execute("object-del", QemuJson.object().put("id", backend), COMMAND_TIMEOUT);
        }
    }

    /** The vCPUs QEMU has and its memory (boot and plugged), as the VM stands now. */
    synchronized VmResources size() {
        int vcpus = present(hotpluggableCpus());
        JsonNode memory = qmp.execute("query-memory-size-summary", null, COMMAND_TIMEOUT);
        long bytes = memory.path("base-memory").asLong()
                + memory.path("plugged-memory").asLong();
        return new VmResources(vcpus, (int) (bytes >> 20));
    }

    /** Every CPU slot of the VM, highest first; a slot with a {@code qom-path} holds a vCPU. */
    private JsonNode hotpluggableCpus() {
        return qmp.execute("query-hotpluggable-cpus", null, COMMAND_TIMEOUT);
    }

    private static int present(JsonNode cpus) {
        int present = 0;
        for (JsonNode cpu : cpus) {
            present += cpu.has("qom-path") ? 1 : 0;
        }
        return present;
    }

    /** The DIMMs added by {@link #addMemory}, as QEMU lists them now. */
    private List<JsonNode> dimms() {
        List<JsonNode> dimms = new ArrayList<>();
        for (JsonNode device : qmp.execute("query-memory-devices", null, COMMAND_TIMEOUT)) {
            if (device.path("data").path("id").asText().startsWith(DIMM_PREFIX)) {
                dimms.add(device.path("data"));
            }
        }
        return dimms;
    }
}
