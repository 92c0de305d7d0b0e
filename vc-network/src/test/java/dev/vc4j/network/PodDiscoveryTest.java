package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is read from iproute2's JSON; that it matches a real namespace is tested in vc-it (NetnsIT). */
class PodDiscoveryTest {
    private static final Path NS = Path.of("/var/run/netns/pod");
    private static final String LO = "{\"ifname\":\"lo\",\"link_type\":\"loopback\",\"address\":\"00:00:00:00:00:00\","
            + "\"mtu\":65536,\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8}]}";
    private static final String ETH0 = "{\"ifname\":\"eth0\",\"link\":\"peer0\",\"link_type\":\"ether\","
            + "\"address\":\"0a:58:0a:00:00:05\",\"mtu\":1450,\"linkinfo\":{\"info_kind\":\"veth\"},"
            + "\"addr_info\":[{\"family\":\"inet\",\"local\":\"198.51.100.2\",\"prefixlen\":24},"
            + "{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64}]}";
    private static final String TAP = "{\"ifname\":\"vc4j-tap0\",\"link_type\":\"ether\","
            + "\"address\":\"12:34:56:78:9a:bc\",\"mtu\":1450,\"linkinfo\":{\"info_kind\":\"tun\"},\"addr_info\":[]}";
    private static final String ROUTES = "[{\"dst\":\"default\",\"gateway\":\"198.51.100.1\",\"dev\":\"eth0\"}]";

    @Test
    void ethernetLinksBecomePodInterfacesWithTheirGateway() {
        List<PodInterface> found = PodDiscovery.fromJson("[" + LO + "," + ETH0 + "," + TAP + "]", ROUTES, NS);
        assertEquals(
                List.of(new PodInterface(
                        "eth0", "0a:58:0a:00:00:05", 1450, List.of("198.51.100.2/24"), "198.51.100.1")),
                found);
    }

    @Test
    void aNamespaceWithOnlyLoopbackHasNoUsableInterface() {
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> PodDiscovery.fromJson("[" + LO + "]", "[]", NS));
        assertEquals("network.namespace", e.field());
        assertEquals(NS.toString(), e.value());
        assertTrue(e.reason().startsWith("has no usable interface"), e.reason());
    }

    @Test
    void twoLinksWithOneMacClash() {
        String twin = ETH0.replace("\"eth0\"", "\"eth1\"");
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class, () -> PodDiscovery.fromJson("[" + ETH0 + "," + twin + "]", "[]", NS));
        assertEquals("network.namespace", e.field());
        assertTrue(e.reason().contains("0a:58:0a:00:00:05"), e.reason());
    }

    @Test
    void valuesThatCouldReachQemusArgvUncheckedAreRefused() {
        String comma = ETH0.replace("\"eth0\"", "\"eth0,script=/x\"");
        assertThrows(NetworkException.class, () -> PodDiscovery.fromJson("[" + comma + "]", "[]", NS));
        String badMac = ETH0.replace("0a:58:0a:00:00:05", "0a:58:0a:00:00:05,vhost=on");
        assertThrows(NetworkException.class, () -> PodDiscovery.fromJson("[" + badMac + "]", "[]", NS));
        assertThrows(NetworkException.class, () -> PodDiscovery.fromJson("{not json", "[]", NS));
    }
}
