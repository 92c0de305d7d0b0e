package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.VcException;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * NICs in and out of a running VM over QMP. In: {@code netdev_add} of a tap backend opened by name (QEMU runs in
 * the tap's network namespace, as at boot), then {@code device_add} of a virtio-net-pci with the endpoint's MAC on
 * a free root port, the backend removed again if that fails. Out: {@code device_del}, wait for DEVICE_DELETED,
 * then {@code netdev_del}. The ids derive from the tap's name, so any process attached to the VM finds them.
 */
final class NicHotplug {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Path VHOST_NET = Path.of("/dev/vhost-net");
    static final String DEVICE_PREFIX = "vc4j-nic-";
    static final String NETDEV_PREFIX = "vc4j-netdev-";

    private final QmpClient qmp;

    NicHotplug(QmpClient qmp) {
        this.qmp = qmp;
    }

    /** Serialised: two plugs at once could pick the same free port. */
    synchronized void plug(NetworkEndpoint nic) {
        if (nic.backend() != NetworkEndpoint.Backend.TAP) {
            throw new HypervisorException(
                    "only a tap backs a hot-plugged NIC, not " + nic.backend() + " (" + nic.hostLink() + ")");
        }
        String port = RootPorts.of(qmp, COMMAND_TIMEOUT).free("the NIC on " + nic.hostLink());
        qmp.execute(
                "netdev_add",
                QemuJson.object()
                        .put("type", "tap")
                        .put("id", NETDEV_PREFIX + nic.hostLink())
                        .put("ifname", nic.hostLink())
                        .put("script", "no")
                        .put("downscript", "no")
                        .put("vhost", Files.exists(VHOST_NET)),
                COMMAND_TIMEOUT);
        try {
            qmp.execute(
                    "device_add",
                    QemuJson.object()
                            .put("driver", "virtio-net-pci")
                            .put("id", DEVICE_PREFIX + nic.hostLink())
                            .put("netdev", NETDEV_PREFIX + nic.hostLink())
                            .put("mac", nic.mac())
                            .put("bus", port),
                    COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            try {
                deleteNetdev(nic);
            } catch (VcException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
    }

    /** What is left of the NIC goes: a removal that timed out earlier is finished. */
    void unplug(NetworkEndpoint nic) {
        if (hasDevice(DEVICE_PREFIX + nic.hostLink())) {
            DeviceUnplug.remove(qmp, DEVICE_PREFIX + nic.hostLink());
        }
        try {
            deleteNetdev(nic);
        } catch (QmpCommandException e) {
            // netdevs are not in QEMU's object tree: one already gone is told apart by the error's class
            if (!e.errorClass().equals("DeviceNotFound")) {
                throw e;
            }
        }
    }

    private void deleteNetdev(NetworkEndpoint nic) {
        qmp.execute("netdev_del", QemuJson.object().put("id", NETDEV_PREFIX + nic.hostLink()), COMMAND_TIMEOUT);
    }

    private boolean hasDevice(String id) {
        for (JsonNode child :
                qmp.execute("qom-list", QemuJson.object().put("path", RootPorts.PERIPHERALS), COMMAND_TIMEOUT)) {
            if (child.path("name").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }
}
