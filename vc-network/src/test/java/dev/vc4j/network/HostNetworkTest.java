package dev.vc4j.network;

import dev.vc4j.NetworkConfig;
import dev.vc4j.spi.NetworkEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostNetworkTest {
    private final HostNetwork network = new HostNetwork();

    @Test
    void noneGivesNoInterface() {
        assertEquals(List.of(), network.attach("sb", NetworkConfig.none()));
    }

    @Test
    void userModeGivesOneInterfaceWithSlirpAddressing() {
        List<NetworkEndpoint> endpoints = network.attach("sb", NetworkConfig.userMode());
        assertEquals(1, endpoints.size());
        NetworkEndpoint eth0 = endpoints.get(0);
        assertEquals(NetworkEndpoint.Backend.QEMU_USER, eth0.backend());
        assertEquals("10.0.2.15/24", eth0.ipv4());
        assertEquals("10.0.2.2", eth0.gateway());
        assertEquals(List.of("10.0.2.3"), eth0.dns());
        assertEquals(1500, eth0.mtu());
    }

    @Test
    void macIsStableLocallyAdministeredUnicastAndDiffersPerSandbox() {
        String mac = HostNetwork.macFor("sb", 0);
        assertEquals(mac, HostNetwork.macFor("sb", 0));
        assertNotEquals(mac, HostNetwork.macFor("other", 0));
        assertTrue(mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), mac);
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        assertEquals(0x02, first & 0x03, "locally administered (bit 1) and unicast (bit 0 clear)");
    }
}
