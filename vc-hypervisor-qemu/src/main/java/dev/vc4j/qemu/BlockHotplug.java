package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.BlockDriver;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.VcException;
import dev.vc4j.spi.HotpluggedDrive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drives in and out of a running VM over QMP. In: {@code blockdev-add}, then {@code device_add} of a
 * virtio-blk-pci on a free root port (or a scsi-hd on the boot-time virtio-scsi controller), each undone if
 * the next fails. Out: {@code device_del}, wait for DEVICE_DELETED, then {@code blockdev-del}. The VM's
 * layout (its root ports, whether it has the SCSI controller, which ports and indices are taken) is asked of
 * QEMU each time, so a process that attached to the VM sees the drives of the one that started it.
 */
final class BlockHotplug {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    // Linux's pciehp waits 5 s after the attention button before it lets a slot go
    private static final Duration UNPLUG_TIMEOUT = Duration.ofSeconds(20);
    private static final long BUSY_RETRY_MILLIS = 100;
    private static final String PERIPHERALS = "/machine/peripheral";

    private static final String DISK_PREFIX = "vc4j-disk";
    private static final String NODE_PREFIX = "vc4j-node";

    /** SCSI addresses 256 targets of 256 LUNs; virtio-blk drives are bounded far lower by their root ports. */
    private static final int INDEX_LIMIT = 256 * 256;

    private final QmpClient qmp;

    BlockHotplug(QmpClient qmp) {
        this.qmp = qmp;
    }

    /** Serialised: two plugs at once could pick the same free port. */
    synchronized HotpluggedDrive plug(Drive drive) {
        drive.validate("drive");
        Layout layout = layout();
        BlockDriver driver = layout.hasScsi() ? BlockDriver.VIRTIO_SCSI : BlockDriver.VIRTIO_BLK;
        String port = driver == BlockDriver.VIRTIO_BLK ? layout.freeRootPort(drive) : null;
        HotpluggedDrive plugged = named(drive, freeIndex(layout.diskIndices()));
        qmp.execute("blockdev-add", blockdev(plugged), COMMAND_TIMEOUT);
        try {
            qmp.execute("device_add", device(plugged, driver, port), COMMAND_TIMEOUT);
            return plugged;
        } catch (RuntimeException e) {
            try {
                deleteNode(plugged);
            } catch (VcException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
    }

    void unplug(HotpluggedDrive drive) {
        QmpClient.EventWait deleted = qmp.expectEvent(
                "DEVICE_DELETED",
                data -> drive.deviceId().equals(data.path("device").asText()));
        long deadline = System.nanoTime() + UNPLUG_TIMEOUT.toNanos();
        try {
            requestRemoval(drive, deadline);
        } catch (RuntimeException e) {
            deleted.future().cancel(false); // no event is coming: stop watching for it
            throw e;
        }
        deleted.await(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        deleteNode(drive);
    }

    /**
     * A guest still powering up a slot it was just given refuses its removal (QEMU: "guest is busy (power
     * indicator blinking)", a GenericError told apart by its words only); it is asked again until the deadline.
     */
    private void requestRemoval(HotpluggedDrive drive, long deadline) {
        while (true) {
            try {
                qmp.execute("device_del", JSON.createObjectNode().put("id", drive.deviceId()), COMMAND_TIMEOUT);
                return;
            } catch (QmpCommandException e) {
                if (!e.description().contains("guest is busy") || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(BUSY_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("interrupted while unplugging " + drive.deviceId(), e);
            }
        }
    }

    List<String> blockNodes() {
        List<String> names = new ArrayList<>();
        qmp.execute("query-named-block-nodes", null, COMMAND_TIMEOUT)
                .forEach(n -> names.add(n.path("node-name").asText()));
        return names;
    }

    private void deleteNode(HotpluggedDrive drive) {
        qmp.execute("blockdev-del", JSON.createObjectNode().put("node-name", drive.nodeName()), COMMAND_TIMEOUT);
    }

    /**
     * The lowest index that neither a device nor a block node of the VM uses. QEMU's own lists are the record,
     * so every process attached to the VM agrees, and a node left by an unplug that timed out stays taken.
     */
    private int freeIndex(Set<Integer> diskIndices) {
        Set<Integer> taken = new HashSet<>(diskIndices);
        for (String node : blockNodes()) {
            if (node.startsWith(NODE_PREFIX)) {
                taken.add(Integer.parseInt(node.substring(NODE_PREFIX.length())));
            }
        }
        int index = 0;
        while (taken.contains(index)) {
            index++;
        }
        if (index >= INDEX_LIMIT) {
            throw new HypervisorException("all " + INDEX_LIMIT + " drive indices of this VM are in use");
        }
        return index;
    }

    /**
     * The drives QEMU has now, coldplugged ones included, rebuilt from {@code query-block}: the format
     * node's name carries the index, and the image its file, format and mode.
     */
    List<HotpluggedDrive> drives() {
        List<HotpluggedDrive> drives = new ArrayList<>();
        for (JsonNode block : qmp.execute("query-block", null, COMMAND_TIMEOUT)) {
            JsonNode inserted = block.path("inserted");
            String node = inserted.path("node-name").asText();
            if (node.startsWith(NODE_PREFIX)) {
                Drive drive = new Drive(
                        Path.of(inserted.path("file").asText()),
                        inserted.path("drv").asText(),
                        inserted.path("ro").asBoolean());
                drives.add(named(drive, Integer.parseInt(node.substring(NODE_PREFIX.length()))));
            }
        }
        drives.sort(Comparator.comparingInt(HotpluggedDrive::index));
        return drives;
    }

    /**
     * The command line that plugs {@code drives} at boot, as indices 0, 1, ... on the root ports of the same
     * numbers (virtio-blk) or on the SCSI controller: the same JSON as a hotplug, which -blockdev and
     * -device accept too.
     */
    static List<String> coldplugArgs(List<Drive> drives, BlockDriver driver) {
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < drives.size(); i++) {
            HotpluggedDrive drive = named(drives.get(i), i);
            argv.addAll(List.of(
                    "-blockdev",
                    blockdev(drive).toString(),
                    "-device",
                    device(drive, driver, QemuCommandLine.rootPortId(i)).toString()));
        }
        return argv;
    }

    private static HotpluggedDrive named(Drive drive, int index) {
        return new HotpluggedDrive(drive, index, "vc4j-drive-" + index, DISK_PREFIX + index, NODE_PREFIX + index);
    }

    private static ObjectNode blockdev(HotpluggedDrive plugged) {
        Drive drive = plugged.drive();
        ObjectNode args = JSON.createObjectNode()
                .put("driver", drive.format())
                .put("node-name", plugged.nodeName())
                .put("read-only", drive.readOnly());
        args.putObject("file")
                .put("driver", drive.isBlockDevice() ? "host_device" : "file")
                .put("filename", drive.path().toString());
        return args;
    }

    private static ObjectNode device(HotpluggedDrive drive, BlockDriver driver, String port) {
        ObjectNode args = JSON.createObjectNode()
                .put("id", drive.deviceId())
                .put("drive", drive.nodeName())
                .put("serial", drive.serial());
        if (driver == BlockDriver.VIRTIO_BLK) {
            return args.put("driver", "virtio-blk-pci").put("bus", port);
        }
        return args.put("driver", "scsi-hd")
                .put("bus", QemuCommandLine.SCSI_CONTROLLER_ID + ".0")
                .put("scsi-id", drive.index() / 256)
                .put("lun", drive.index() % 256);
    }

    /** One pass over QEMU's named devices and the bus each one sits on. */
    private Layout layout() {
        List<String> ports = new ArrayList<>();
        Set<String> takenBuses = new HashSet<>();
        Set<Integer> disks = new HashSet<>();
        boolean scsi = false;
        for (JsonNode child :
                qmp.execute("qom-list", JSON.createObjectNode().put("path", PERIPHERALS), COMMAND_TIMEOUT)) {
            String name = child.path("name").asText();
            String type = child.path("type").asText();
            if (type.equals("child<pcie-root-port>") && name.startsWith(QemuCommandLine.ROOT_PORT_PREFIX)) {
                ports.add(name);
            } else if (name.equals(QemuCommandLine.SCSI_CONTROLLER_ID)) {
                scsi = true;
            } else if (name.startsWith(DISK_PREFIX)) {
                disks.add(Integer.parseInt(name.substring(DISK_PREFIX.length())));
                String bus = qmp.execute(
                                "qom-get",
                                JSON.createObjectNode()
                                        .put("path", PERIPHERALS + "/" + name)
                                        .put("property", "parent_bus"),
                                COMMAND_TIMEOUT)
                        .asText();
                takenBuses.add(bus.substring(bus.lastIndexOf('/') + 1));
            }
        }
        ports.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
        return new Layout(ports, takenBuses, disks, scsi);
    }

    private record Layout(List<String> rootPorts, Set<String> takenBuses, Set<Integer> diskIndices, boolean hasScsi) {
        String freeRootPort(Drive drive) {
            return rootPorts.stream()
                    .filter(p -> !takenBuses.contains(p))
                    .findFirst()
                    .orElseThrow(
                            () -> new HypervisorException("no free PCIe root port for drive " + drive.path() + ": all "
                                    + rootPorts.size() + " ports reserved by hypervisor.hotplugRootPorts are in use"));
        }
    }
}
