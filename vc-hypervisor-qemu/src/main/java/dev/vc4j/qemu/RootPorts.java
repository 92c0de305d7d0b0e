package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vc4j.HypervisorException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PCIe root ports reserved for hotplug (hypervisor.hotplugRootPorts) and which of them a device sits on, as
 * QEMU reports them: drives and NICs share the ports, and a process that attached to the VM sees the devices of
 * the one that started it.
 */
record RootPorts(List<String> ports, Set<String> taken) {
    static final String PERIPHERALS = "/machine/peripheral";

    /** One pass over QEMU's named devices and the bus each one sits on. */
    static RootPorts of(QmpClient qmp, Duration timeout) {
        List<String> ports = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (JsonNode child : qmp.execute("qom-list", QemuJson.object().put("path", PERIPHERALS), timeout)) {
            String name = child.path("name").asText();
            if (!child.path("type").asText().startsWith("child<")) {
                continue; // a property of the container, not a device
            }
            if (child.path("type").asText().equals("child<pcie-root-port>")
                    && name.startsWith(QemuCommandLine.ROOT_PORT_PREFIX)) {
                ports.add(name);
            } else {
                String bus = qmp.execute(
                                "qom-get",
                                QemuJson.object()
                                        .put("path", PERIPHERALS + "/" + name)
                                        .put("property", "parent_bus"),
                                timeout)
                        .asText();
                taken.add(bus.substring(bus.lastIndexOf('/') + 1));
            }
        }
        ports.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
        return new RootPorts(ports, taken);
    }

    /** The first port no device sits on; {@code what} names the device that needs it, for the error. */
    String free(String what) {
        return ports.stream()
                .filter(p -> !taken.contains(p))
                .findFirst()
                .orElseThrow(() -> new HypervisorException("no free PCIe root port for " + what + ": all "
                        + ports.size() + " ports reserved by hypervisor.hotplugRootPorts are in use"));
    }
}
