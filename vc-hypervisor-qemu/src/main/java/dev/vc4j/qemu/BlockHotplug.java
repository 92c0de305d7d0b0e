package dev.vc4j.qemu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.BlockDriver;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorException;
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
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private static final String DISK_PREFIX = "vc4j-disk";
    private static final String NODE_PREFIX = "vc4j-node";

    /** SCSI addresses 256 targets of 256 LUNs; virtio-blk drives are bounded far lower by their root ports. */
    private static final int INDEX_LIMIT = 256 * 256;

    private final QmpClient qmp;
    private final RunFiles files;
    private final long qemuPid;

    /**
     * {@code files}: the VM's run directory, which holds the overlays of drives with throw-away writes;
     * {@code qemuPid}: the QEMU whose view of the host's files a drive's file is brought into.
     */
    BlockHotplug(QmpClient qmp, RunFiles files, long qemuPid) {
        this.qmp = qmp;
        this.files = files;
        this.qemuPid = qemuPid;
    }

    /** Serialised: two plugs at once could pick the same free port. */
    synchronized HotpluggedDrive plug(Drive drive) {
        drive.validate("drive");
        Layout layout = layout();
        BlockDriver driver = layout.hasScsi() ? BlockDriver.VIRTIO_SCSI : BlockDriver.VIRTIO_BLK;
        String port = driver == BlockDriver.VIRTIO_BLK
                ? RootPorts.of(qmp, COMMAND_TIMEOUT).free("drive " + drive.path())
                : null;
        HotpluggedDrive plugged = named(drive, freeIndex(layout.diskIndices()));
        QemuView.reach(qemuPid, files, drive.path());
        if (drive.throwAwayWrites()) {
            QemuImg.createOverlay(drive, files.overlay(plugged.nodeName()));
        }
        try {
            qmp.execute("blockdev-add", blockdev(plugged, files), COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            files.removeOverlay(plugged.nodeName());
            throw e;
        }
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
        DeviceUnplug.remove(qmp, drive.deviceId());
        deleteNode(drive);
    }

    List<String> blockNodes() {
        List<String> names = new ArrayList<>();
        qmp.execute("query-named-block-nodes", null, COMMAND_TIMEOUT)
                .forEach(n -> names.add(n.path("node-name").asText()));
        return names;
    }

    /** The node goes, and with it the guest's writes to a throw-away overlay. */
    private void deleteNode(HotpluggedDrive drive) {
        qmp.execute("blockdev-del", QemuJson.object().put("node-name", drive.nodeName()), COMMAND_TIMEOUT);
        files.removeOverlay(drive.nodeName());
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
                drives.add(named(pluggedImage(inserted), Integer.parseInt(node.substring(NODE_PREFIX.length()))));
            }
        }
        drives.sort(Comparator.comparingInt(HotpluggedDrive::index));
        return drives;
    }

    /**
     * The drive as it was asked for: of an overlay (the one kind of node plugged here with a backing), the image
     * underneath it.
     */
    private static Drive pluggedImage(JsonNode inserted) {
        JsonNode base = inserted.path("image").path("backing-image");
        if (!base.isMissingNode()) {
            return new Drive(
                    fileOf(base.path("filename").asText()), base.path("format").asText(), false, true);
        }
        return new Drive(
                fileOf(inserted.path("file").asText()),
                inserted.path("drv").asText(),
                inserted.path("ro").asBoolean());
    }

    /** QEMU names a node opened with options of its own (a backing set) {@code json:{...}}, its file inside. */
    private static Path fileOf(String name) {
        if (name.startsWith("json:")) {
            try {
                return Path.of(QemuJson.MAPPER
                        .readTree(name.substring("json:".length()))
                        .path("file")
                        .path("filename")
                        .asText());
            } catch (JsonProcessingException e) {
                throw new HypervisorException("QEMU named a block node " + name + ", which is not JSON", e);
            }
        }
        return Path.of(name);
    }

    /**
     * The command line that plugs {@code drives} at boot, as indices 0, 1, ... on the root ports of the same
     * numbers (virtio-blk) or on the SCSI controller: the same JSON as a hotplug, which -blockdev and
     * -device accept too.
     */
    static List<String> coldplugArgs(List<Drive> drives, BlockDriver driver, RunFiles files) {
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < drives.size(); i++) {
            HotpluggedDrive drive = named(drives.get(i), i);
            if (drive.drive().throwAwayWrites()) {
                QemuImg.createOverlay(drive.drive(), files.overlay(drive.nodeName()));
            }
            argv.addAll(List.of(
                    "-blockdev",
                    blockdev(drive, files).toString(),
                    "-device",
                    device(drive, driver, QemuCommandLine.rootPortId(i)).toString()));
        }
        return argv;
    }

    private static HotpluggedDrive named(Drive drive, int index) {
        return new HotpluggedDrive(drive, index, "vc4j-drive-" + index, DISK_PREFIX + index, NODE_PREFIX + index);
    }

    /**
     * The blockdev of a drive: its image, or with throw-away writes a qcow2 overlay in the run directory on top
     * of its image opened read-only.
     */
    static ObjectNode blockdev(HotpluggedDrive plugged, RunFiles files) {
        Drive drive = plugged.drive();
        if (!drive.throwAwayWrites()) {
            return image(drive.format(), drive.path(), drive.isBlockDevice(), drive.readOnly())
                    .put("node-name", plugged.nodeName());
        }
        ObjectNode overlay =
                image("qcow2", files.overlay(plugged.nodeName()), false, false).put("node-name", plugged.nodeName());
        overlay.set("backing", image(drive.format(), drive.path(), drive.isBlockDevice(), true));
        return overlay;
    }

    /**
     * A qcow2 image's header may name a backing file, any host path, which QEMU would open and show the guest.
     * The backing is always set here: none, or the image underneath an overlay.
     */
    private static ObjectNode image(String format, Path path, boolean blockDevice, boolean readOnly) {
        ObjectNode args = QemuJson.object().put("driver", format).put("read-only", readOnly);
        args.putObject("file")
                .put("driver", blockDevice ? "host_device" : "file")
                .put("filename", path.toString());
        if (format.equals("qcow2")) {
            args.putNull("backing");
        }
        return args;
    }

    private static ObjectNode device(HotpluggedDrive drive, BlockDriver driver, String port) {
        ObjectNode args = QemuJson.object()
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

    /** One pass over QEMU's named devices. */
    private Layout layout() {
        Set<Integer> disks = new HashSet<>();
        boolean scsi = false;
        for (JsonNode child :
                qmp.execute("qom-list", QemuJson.object().put("path", RootPorts.PERIPHERALS), COMMAND_TIMEOUT)) {
            String name = child.path("name").asText();
            if (name.equals(QemuCommandLine.SCSI_CONTROLLER_ID)) {
                scsi = true;
            } else if (name.startsWith(DISK_PREFIX)) {
                disks.add(Integer.parseInt(name.substring(DISK_PREFIX.length())));
            }
        }
        return new Layout(disks, scsi);
    }

    private record Layout(Set<Integer> diskIndices, boolean hasScsi) {}
}
