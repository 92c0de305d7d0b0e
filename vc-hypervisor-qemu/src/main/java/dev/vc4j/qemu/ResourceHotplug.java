package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VcException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * CPUs and memory added to a running VM, into the room the command line reserved (maxcpus, slots and
 * maxmem). QEMU adds them; the guest still has to bring them online (the agent's job).
 */
final class ResourceHotplug {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** Linux on x86-64 onlines memory in 128 MiB blocks; a DIMM of another size would leave a part unusable. */
    static final int MEMORY_BLOCK_MIB = 128;

    private final QmpClient qmp;

    ResourceHotplug(QmpClient qmp) {
        this.qmp = qmp;
    }

    /** Adds {@code count} vCPUs; all or none: the free CPU slots are counted first. Returns the new total. */
    synchronized int addVcpus(int count) {
        List<JsonNode> free = new ArrayList<>();
        int present = 0;
        for (JsonNode cpu : qmp.execute("query-hotpluggable-cpus", null, COMMAND_TIMEOUT)) {
            if (cpu.has("qom-path")) {
                present++;
            } else {
                free.add(cpu);
            }
        }
        if (count < 1 || count > free.size()) {
            throw new InvalidConfigException("vcpus", count, "can add 1 to " + free.size() + " vCPUs: the VM has "
                    + present + " of " + (present + free.size()) + " (hypervisor.maxVcpus)");
        }
        // QEMU lists the free slots highest first; fill them from the lowest, as the guest numbers them
        for (int i = 0; i < count; i++) {
            JsonNode slot = free.get(free.size() - 1 - i);
            ObjectNode args = JSON.createObjectNode()
                    .put("driver", slot.path("type").asText())
                    .put("id", "vc4j-cpu" + UUID.randomUUID().toString().substring(0, 8));
            slot.path("props").fields().forEachRemaining(prop -> args.set(prop.getKey(), prop.getValue()));
            qmp.execute("device_add", args, COMMAND_TIMEOUT);
        }
        return present + count;
    }

    /** Adds one DIMM of {@code mib}, backed by anonymous host memory; a refused DIMM leaves no backend behind. */
    synchronized void addMemory(int mib) {
        if (mib < MEMORY_BLOCK_MIB || mib % MEMORY_BLOCK_MIB != 0) {
            throw new InvalidConfigException("memoryMib", mib, "must be a positive multiple of " + MEMORY_BLOCK_MIB);
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        String backend = "vc4j-mem-" + id;
        qmp.execute("object-add", JSON.createObjectNode()
                .put("qom-type", "memory-backend-ram")
                .put("id", backend)
                .put("size", (long) mib << 20), COMMAND_TIMEOUT);
        try {
            qmp.execute("device_add", JSON.createObjectNode()
                    .put("driver", "pc-dimm")
                    .put("id", "vc4j-dimm-" + id)
                    .put("memdev", backend), COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            try {
                qmp.execute("object-del", JSON.createObjectNode().put("id", backend), COMMAND_TIMEOUT);
            } catch (VcException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
    }
}
