package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.spi.NetworkEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NIC hotplug against a real QEMU q35 machine that runs no guest ({@code -S}, where device_del completes at once),
 * started in a network namespace the test makes with a tap in it, as a sandbox's QEMU runs in the pod's (root
 * only). The guest's view is tested in vc-it (InterfaceHotplugIT).
 */
class NicHotplugTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAP = "vc4j-tap1";
    private static final String MAC = "0a:58:cb:00:71:02";

    @TempDir
    Path dir;

    private final String namespace =
            "vc4j-nictest-" + UUID.randomUUID().toString().substring(0, 6);
    private GuestlessQemu qemu;
    private NicHotplug nics;

    private void start(int rootPorts) throws Exception {
        assumeTrue(
                Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "only root makes network namespaces");
        run("ip", "netns", "add", namespace);
        run("ip", "-n", namespace, "tuntap", "add", "dev", TAP, "mode", "tap");
        List<String> args = new ArrayList<>(
                List.of("-M", "q35", "-S", "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"));
        for (int i = 0; i < rootPorts; i++) {
            args.addAll(List.of(
                    "-device",
                    "pcie-root-port,id=" + QemuCommandLine.rootPortId(i) + ",bus=pcie.0,chassis=" + (i + 1)));
        }
        qemu = GuestlessQemu.start(dir, args, argv -> {
            List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            inNamespace.addAll(argv);
            return inNamespace;
        });
        nics = new NicHotplug(qemu.qmp);
    }

    @AfterEach
    void stop() throws Exception {
        if (qemu != null) {
            qemu.close();
        }
        new ProcessBuilder("ip", "netns", "del", namespace).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static NetworkEndpoint nic(String mac) {
        return new NetworkEndpoint(
                NetworkEndpoint.Backend.TAP, "eth1", mac, "", "", List.of(), 1500, TAP, Path.of("/var/run/netns/x"));
    }

    @Test
    void aNicGoesOnAFreeRootPortWithItsMacAndLeavesNothingWhenUnplugged() throws Exception {
        start(2);
        nics.plug(nic(MAC));
        String id = NicHotplug.DEVICE_PREFIX + TAP;
        assertEquals(MAC, property(id, "mac"));
        assertTrue(property(id, "parent_bus").endsWith(QemuCommandLine.rootPortId(0)), property(id, "parent_bus"));
        assertTrue(RootPorts.of(qemu.qmp, Duration.ofSeconds(5)).taken().contains(QemuCommandLine.rootPortId(0)));

        nics.unplug(nic(MAC));
        assertTrue(!peripherals().contains(id), peripherals().toString());
        // the netdev went too: its id is free again
        nics.plug(nic(MAC));
        nics.unplug(nic(MAC));
        nics.unplug(nic(MAC)); // nothing left to remove: no error
    }

    @Test
    void withoutAFreeRootPortNothingIsAdded() throws Exception {
        start(0);
        HypervisorException e = assertThrows(HypervisorException.class, () -> nics.plug(nic(MAC)));
        assertTrue(
                e.getMessage().contains("no free PCIe root port")
                        && e.getMessage().contains(TAP),
                e.getMessage());
        QmpCommandException none = assertThrows(
                QmpCommandException.class,
                () -> qemu.qmp.execute(
                        "netdev_del",
                        JSON.createObjectNode().put("id", NicHotplug.NETDEV_PREFIX + TAP),
                        Duration.ofSeconds(5)));
        assertEquals("DeviceNotFound", none.errorClass());
    }

    @Test
    void aFailedDeviceAddTakesItsNetdevBack() throws Exception {
        start(1);
        assertThrows(QmpCommandException.class, () -> nics.plug(nic("not-a-mac")));
        nics.plug(nic(MAC)); // the netdev's id is free again
        nics.unplug(nic(MAC));
    }

    @Test
    void onlyATapBacksAHotpluggedNic() throws Exception {
        start(1);
        NetworkEndpoint passt = new NetworkEndpoint(
                NetworkEndpoint.Backend.PASST, "eth0", MAC, "", "", List.of(), 1500, "/run/passt.sock", null);
        assertThrows(HypervisorException.class, () -> nics.plug(passt));
        assertEquals(
                List.of(),
                RootPorts.of(qemu.qmp, Duration.ofSeconds(5)).taken().stream()
                        .filter(p -> p.startsWith(QemuCommandLine.ROOT_PORT_PREFIX))
                        .toList());
    }

    private String property(String device, String name) {
        return qemu.qmp
                .execute(
                        "qom-get",
                        JSON.createObjectNode()
                                .put("path", RootPorts.PERIPHERALS + "/" + device)
                                .put("property", name),
                        Duration.ofSeconds(5))
                .asText();
    }

    private List<String> peripherals() {
        List<String> names = new ArrayList<>();
        for (JsonNode child : qemu.qmp.execute(
                "qom-list", JSON.createObjectNode().put("path", RootPorts.PERIPHERALS), Duration.ofSeconds(5))) {
            names.add(child.path("name").asText());
        }
        return names;
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
    }
}
