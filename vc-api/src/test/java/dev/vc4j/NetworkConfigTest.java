package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkConfigTest {
    @Test
    void userModeKeepsTheHostLoopbackOutUnlessAllowed() {
        assertFalse(NetworkConfig.userMode().hostLoopback());
        assertTrue(NetworkConfig.userMode().allowHostLoopback().hostLoopback());
        assertEquals(List.of(), NetworkConfig.userMode().portForwards());
    }

    @Test
    void portForwardsListenOnTheHostsLoopbackByDefault() {
        PortForward forward = PortForward.tcp(8080, 80);
        assertEquals("127.0.0.1", forward.hostAddress());
        assertEquals(
                List.of(forward),
                NetworkConfig.userMode().withPortForward(forward).portForwards());
    }

    @Test
    void badForwardsNameFieldAndValue() {
        assertRejected("hostPort", "0", () -> PortForward.tcp(0, 80));
        assertRejected("guestPort", "65536", () -> PortForward.udp(53, 65536));
        assertRejected("hostAddress", "localhost", () -> new PortForward(PortForward.Protocol.TCP, "localhost", 1, 1));
        assertRejected(
                "network.portForwards[1].hostPort",
                "8080",
                () -> NetworkConfig.userMode()
                        .withPortForward(PortForward.tcp(8080, 80))
                        .withPortForward(PortForward.tcp(8080, 81)));
        assertRejected(
                "network.portForwards[0]",
                "TCP 127.0.0.1:8080->80",
                () -> new NetworkConfig(NetworkConfig.Mode.NONE, false, List.of(PortForward.tcp(8080, 80)), null));
        assertRejected(
                "network.namespace",
                "relative/ns",
                () -> NetworkConfig.namespace(java.nio.file.Path.of("relative/ns")));
        assertRejected(
                "network.hostLoopback", "true", () -> NetworkConfig.none().allowHostLoopback());
    }

    @Test
    void netnsModeTakesTheCallersNamespaceOrCreatesOne() {
        NetworkConfig created = NetworkConfig.newNamespace();
        assertEquals(NetworkConfig.Mode.NETNS, created.mode());
        assertTrue(created.createsNamespace());
        assertEquals(null, created.namespace());
        assertFalse(NetworkConfig.namespace(java.nio.file.Path.of("/var/run/netns/pod"))
                .createsNamespace());
        assertFalse(NetworkConfig.userMode().createsNamespace());
        assertRejected(
                "network.portForwards[0]",
                "TCP 127.0.0.1:8080->80",
                () -> NetworkConfig.newNamespace().withPortForward(PortForward.tcp(8080, 80)));
    }

    @Test
    void theSamePortOverTcpAndUdpIsTwoForwards() {
        NetworkConfig config = NetworkConfig.userMode()
                .withPortForward(PortForward.tcp(5353, 53))
                .withPortForward(PortForward.udp(5353, 53));
        assertEquals(2, config.portForwards().size());
    }

    private static void assertRejected(String field, String value, Runnable make) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, make::run);
        assertEquals(field, e.field());
        assertEquals(value, e.value());
    }
}
