package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.PortForward;
import dev.vc4j.spi.NetworkEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostNetworkTest {
    private static final HostIds IDS = new HostIds(1000, 1000);
    private final HostNetwork network = new HostNetwork();

    @TempDir
    Path runDir;

    @Test
    void noneGivesNoInterface() throws IOException {
        assertEquals(List.of(), network.attach("sb", runDir, NetworkConfig.none()));
        try (var files = Files.list(runDir)) {
            assertEquals(0, files.count(), "none starts nothing");
        }
    }

    @Test
    void onlyANewNamespaceIsCreated() throws IOException {
        assertEquals(Optional.empty(), network.createNamespace("sb", runDir, NetworkConfig.userMode()));
        assertEquals(
                Optional.empty(),
                network.createNamespace("sb", runDir, NetworkConfig.namespace(Path.of("/var/run/netns/pod"))));
        try (var files = Files.list(runDir)) {
            assertEquals(0, files.count(), "nothing recorded");
        }
    }

    @Test
    void userModeRunsPasstUntilDetached() throws IOException {
        List<NetworkEndpoint> endpoints = network.attach("sb", runDir, NetworkConfig.userMode());
        assertEquals(1, endpoints.size());
        NetworkEndpoint eth0 = endpoints.get(0);
        assertEquals(NetworkEndpoint.Backend.PASST, eth0.backend());
        assertEquals("10.0.2.15/24", eth0.ipv4());
        assertEquals("10.0.2.2", eth0.gateway());
        assertEquals(List.of("10.0.2.3"), eth0.dns());
        assertEquals(runDir.resolve(Passt.SOCKET).toString(), eth0.hostLink());
        assertTrue(Files.exists(runDir.resolve(Passt.SOCKET)));
        long pid = Long.parseLong(Files.readString(runDir.resolve(Passt.PID), StandardCharsets.US_ASCII));
        Optional<ProcessHandle> passt = ProcessHandle.of(pid);
        assertTrue(passt.isPresent() && passt.get().isAlive(), "passt runs");

        network.detach("sb", runDir);
        assertFalse(passt.get().isAlive(), "passt still runs after detach");
        assertFalse(Files.exists(runDir.resolve(Passt.SOCKET)));
        assertFalse(Files.exists(runDir.resolve(Passt.PID)));
        network.detach("sb", runDir); // again: nothing left to do
    }

    @Test
    void theHostLoopbackIsUnmappedUnlessAllowed() {
        List<String> isolated = Passt.argv(runDir.resolve("s"), NetworkConfig.userMode(), IDS);
        assertTrue(isolated.contains("--no-map-gw"), isolated.toString());
        List<String> allowed =
                Passt.argv(runDir.resolve("s"), NetworkConfig.userMode().allowHostLoopback(), IDS);
        assertFalse(allowed.contains("--no-map-gw"), allowed.toString());
        assertEquals("1000:1000", isolated.get(isolated.indexOf("--runas") + 1));
    }

    @Test
    void portForwardsBecomePasstPortSpecs() {
        NetworkConfig config = NetworkConfig.userMode()
                .withPortForward(PortForward.tcp(18080, 80))
                .withPortForward(new PortForward(PortForward.Protocol.TCP, "127.0.0.2", 18443, 443))
                .withPortForward(PortForward.udp(15353, 53));
        List<String> argv = Passt.argv(runDir.resolve("s"), config, IDS);
        assertEquals("127.0.0.1/18080:80,127.0.0.2/18443:443", argv.get(argv.indexOf("--tcp-ports") + 1));
        assertEquals("127.0.0.1/15353:53", argv.get(argv.indexOf("--udp-ports") + 1));
        List<String> none = Passt.argv(runDir.resolve("s"), NetworkConfig.userMode(), IDS);
        assertEquals("none", none.get(none.indexOf("--tcp-ports") + 1));
        assertEquals("none", none.get(none.indexOf("--udp-ports") + 1));
    }

    @Test
    void aForwardToABoundPortIsRefusedBeforeAnythingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            NetworkConfig config = NetworkConfig.userMode()
                    .withPortForward(PortForward.udp(port, 53))
                    .withPortForward(PortForward.tcp(port, 80));
            InvalidConfigException e =
                    assertThrows(InvalidConfigException.class, () -> network.attach("sb", runDir, config));
            assertEquals("network.portForwards[1].hostPort", e.field());
            assertEquals(Integer.toString(port), e.value());
        }
        try (var files = Files.list(runDir)) {
            assertEquals(0, files.count(), "a refused forward started passt");
        }
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
