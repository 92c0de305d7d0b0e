package dev.vc4j.it;

import dev.vc4j.AgentConfig;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.PortForward;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.agent.OciSpecs;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestNeighbor;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest's network on one VM with user-mode networking, set by the agent at boot and changed through its
 * RPCs, with a TCP port forwarded from the host; and the guest hooks the agent adds to containers. Each
 * test leaves the network as boot made it.
 */
class NetworkIT {
    private static final String GUEST_ADDRESS = "10.0.2.15/24";
    private static final String GATEWAY = "10.0.2.2";
    private static final String HOOKS = "/run/hooks";
    private static Sandbox sandbox;
    private static AgentSession session;
    private static final int GUEST_HTTP_PORT = 8080;
    private static GuestInterface booted;
    private static int hostTcpPort;

    @BeforeAll
    static void boot() throws IOException {
        hostTcpPort = HostHttpServer.freeTcpPort();
        sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("net"))
                        .network(
                                NetworkConfig.userMode().withPortForward(PortForward.tcp(hostTcpPort, GUEST_HTTP_PORT)))
                        .agent(AgentConfig.defaults().withGuestHookPath(HOOKS))
                        .build());
        GuestContainers.makeBusyboxRootfs(sandbox);
        session = GuestContainers.takeOverAgent(sandbox);
        booted = session.listInterfaces().stream()
                .filter(i -> i.addresses().contains(GUEST_ADDRESS))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("no interface has " + GUEST_ADDRESS + ": " + session.listInterfaces()));
    }

    @AfterAll
    static void delete() throws Exception {
        if (session != null) {
            session.close();
        }
        TestStore.deleteLeavingNothing(sandbox);
    }

    private static String guest(String... args) {
        ExecResult r = session.runProcess(GuestCommand.of(args));
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.stderrText());
        return r.stdoutText();
    }

    private static void restoreBootNetwork() {
        session.updateInterface(InterfaceUpdate.byMac(booted.mac(), List.of(GUEST_ADDRESS), 1500));
        session.updateRoutes(List.of(GuestRoute.via("", GATEWAY, booted.name())));
    }

    @Test
    void bootSetTheInterfaceRouteAndDnsThroughTheAgent() {
        assertTrue(booted.up(), booted.toString());
        assertEquals(1500, booted.mtu());
        String ipAddr = guest("ip", "addr", "show", "dev", booted.name());
        assertTrue(ipAddr.contains("mtu 1500") && ipAddr.contains("inet " + GUEST_ADDRESS), ipAddr);
        assertTrue(ipAddr.contains("link/ether " + booted.mac()), ipAddr);
        assertFalse(guest("cat", "/proc/cmdline").contains("vc4j.if"), "the kernel command line still configures it");
        assertTrue(
                session.listRoutes()
                        .contains(
                                new GuestRoute("0.0.0.0/0", GATEWAY, booted.name(), "", GuestRoute.Scope.UNIVERSE, 0)),
                session.listRoutes().toString());
        assertEquals("nameserver 10.0.2.3\n", guest("cat", "/etc/resolv.conf"));
    }

    @Test
    void updateInterfaceReplacesAddressesAndSetsTheMtu() {
        try {
            GuestInterface changed = session.updateInterface(InterfaceUpdate.byMac(
                    booted.mac(), List.of(GUEST_ADDRESS, "192.168.77.2/24", "fd00:77::2/64"), 1400));
            assertEquals(booted.name(), changed.name());
            assertEquals(1400, changed.mtu());
            assertTrue(
                    changed.addresses().containsAll(List.of(GUEST_ADDRESS, "192.168.77.2/24", "fd00:77::2/64")),
                    changed.toString());
            String ipAddr = guest("ip", "addr", "show", "dev", booted.name());
            assertTrue(
                    ipAddr.contains("mtu 1400")
                            && ipAddr.contains("inet 192.168.77.2/24")
                            && ipAddr.contains("inet6 fd00:77::2/64"),
                    ipAddr);

            GuestInterface byName =
                    session.updateInterface(InterfaceUpdate.byName(booted.name(), List.of(GUEST_ADDRESS), 0));
            assertEquals(1400, byName.mtu(), "an MTU of 0 leaves it as it is");
            assertFalse(byName.addresses().contains("192.168.77.2/24"), byName.toString());
            assertFalse(guest("ip", "addr", "show", "dev", booted.name()).contains("192.168.77.2"));
        } finally {
            restoreBootNetwork();
        }
    }

    @Test
    void updateRoutesAndListRoutesRoundTrip() {
        String dev = booted.name();
        List<GuestRoute> wanted = List.of(
                GuestRoute.via("", GATEWAY, dev),
                GuestRoute.onLink("192.168.88.0/24", dev),
                new GuestRoute("172.30.0.0/16", GATEWAY, dev, "10.0.2.15", GuestRoute.Scope.UNIVERSE, 7));
        try {
            List<GuestRoute> now = session.updateRoutes(wanted);
            assertEquals(now, session.listRoutes());
            assertTrue(
                    now.contains(new GuestRoute("0.0.0.0/0", GATEWAY, dev, "", GuestRoute.Scope.UNIVERSE, 0)),
                    now.toString());
            assertTrue(
                    now.contains(new GuestRoute("192.168.88.0/24", "", dev, "", GuestRoute.Scope.LINK, 0)),
                    now.toString());
            assertTrue(
                    now.contains(
                            new GuestRoute("172.30.0.0/16", GATEWAY, dev, "10.0.2.15", GuestRoute.Scope.UNIVERSE, 7)),
                    now.toString());
            String ipRoute = guest("ip", "route");
            assertTrue(
                    ipRoute.contains("172.30.0.0/16 via 10.0.2.2 dev " + dev)
                            && ipRoute.contains("metric 7")
                            && ipRoute.contains("192.168.88.0/24 dev " + dev),
                    ipRoute);

            List<GuestRoute> replaced = session.updateRoutes(List.of(GuestRoute.via("", GATEWAY, dev)));
            assertTrue(
                    replaced.stream()
                            .noneMatch(r -> r.destination().startsWith("172.30.")
                                    || r.destination().startsWith("192.168.88.")),
                    replaced.toString());
            assertTrue(
                    replaced.stream().anyMatch(r -> r.destination().equals("10.0.2.0/24")),
                    "the kernel's route for the address stays: " + replaced);
        } finally {
            restoreBootNetwork();
        }
    }

    @Test
    void aRefusedRouteLeavesTheRoutesAsTheyWere() {
        String dev = booted.name();
        try {
            session.updateRoutes(List.of(GuestRoute.via("", GATEWAY, dev), GuestRoute.onLink("192.168.88.0/24", dev)));
            List<GuestRoute> before = session.listRoutes();
            InvalidConfigException refused = assertThrows(
                    InvalidConfigException.class,
                    () -> session.updateRoutes(List.of(
                            GuestRoute.onLink("192.168.99.0/24", dev),
                            GuestRoute.via("172.31.0.0/16", "10.77.0.1", dev))));
            assertEquals("routes[1]", refused.field());
            assertEquals("172.31.0.0/16 via 10.77.0.1", refused.value());
            assertEquals(Set.copyOf(before), Set.copyOf(session.listRoutes()), "a refused update changed the routes");
        } finally {
            restoreBootNetwork();
        }
    }

    @Test
    void arpNeighborsShowInIpNeigh() {
        session.addArpNeighbors(List.of(new GuestNeighbor("10.0.2.77", "02:00:00:00:00:77", booted.name())));
        String neigh = guest("ip", "neigh", "show", "dev", booted.name());
        assertTrue(
                neigh.lines()
                        .anyMatch(line ->
                                line.startsWith("10.0.2.77 lladdr 02:00:00:00:00:77 ") && line.endsWith("PERMANENT")),
                neigh);
    }

    @Test
    void badInputsAreTypedErrorsNamingFieldAndValue() {
        InvalidConfigException prefix = assertThrows(
                InvalidConfigException.class,
                () -> session.updateInterface(InterfaceUpdate.byMac(booted.mac(), List.of("10.0.2.15/33"), 0)));
        assertEquals("addresses[0]", prefix.field());
        assertEquals("10.0.2.15/33", prefix.value());
        InvalidConfigException mac = assertThrows(
                InvalidConfigException.class,
                () -> session.addArpNeighbors(
                        List.of(new GuestNeighbor("10.0.2.78", "02:00:00:00:00", booted.name()))));
        assertEquals("neighbors[0].mac", mac.field());
        assertEquals("02:00:00:00:00", mac.value());
        NotFoundException unknown = assertThrows(
                NotFoundException.class,
                () -> session.updateInterface(InterfaceUpdate.byName("eth9", List.of("10.0.9.1/24"), 0)));
        assertEquals("interface", unknown.kind());
        assertEquals("eth9", unknown.id());
        GuestInterface after = session.listInterfaces().stream()
                .filter(i -> i.name().equals(booted.name()))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of(GUEST_ADDRESS),
                after.addresses().stream().filter(a -> !a.contains(":")).toList(),
                "a rejected update changed the addresses");
    }

    /**
     * Without the host-loopback mapping passt forwards a connection to the gateway's address as to any other
     * host; an unreachable route for it on the host keeps this test's attempt from leaving the machine.
     */
    @Test
    void theGuestCannotReachTheHostsLoopback() throws Exception {
        try (HostHttpServer server = HostHttpServer.start();
                AutoCloseable route = unreachableRoute(GATEWAY + "/32")) {
            long started = System.nanoTime();
            ExecResult r = session.runProcess(GuestCommand.of(
                    "timeout", "10", "wget", "-q", "-O", "-", "http://" + GATEWAY + ":" + server.port() + "/"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // wget's own failure (refused, unreachable) or its end at the deadline: never a crash, never a page
            assertTrue(
                    r.exitCode() == 1 || r.exitCode() == 143,
                    "exit " + r.exitCode() + ": " + r.stdoutText() + r.stderrText());
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "refused only after " + took);
            assertEquals(0, server.requests(), "the host's server was reached");
        }
    }

    private static AutoCloseable unreachableRoute(String prefix) throws Exception {
        ip("route", "add", "unreachable", prefix);
        return () -> ip("route", "del", "unreachable", prefix);
    }

    private static void ip(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        Process ip = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(ip.getInputStream().readAllBytes());
        assertTrue(ip.waitFor(10, TimeUnit.SECONDS), "ip did not end");
        assertEquals(0, ip.exitValue(), String.join(" ", argv) + ": " + out);
    }

    @Test
    void aTcpPortForwardReachesAnHttpdInTheGuest() throws Exception {
        guest("sh", "-c", "mkdir -p /run/www && echo 'hello from the guest' > /run/www/index.html");
        guest("httpd", "-p", Integer.toString(GUEST_HTTP_PORT), "-h", "/run/www");
        try {
            HttpResponse<String> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostTcpPort + "/index.html"))
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("hello from the guest\n", response.body());
        } finally {
            session.runProcess(GuestCommand.of("killall", "httpd"));
        }
    }

    @Test
    void guestHooksRunForEveryContainer() {
        guest(
                "sh",
                "-c",
                "set -e; mkdir -p " + HOOKS + "/prestart; cd " + HOOKS + "/prestart; "
                        + "printf '#!/bin/sh\\ncat > /run/hook-ran\\n' > 10-mark; chmod 755 10-mark; "
                        + "printf '#!/bin/sh\\ntouch /run/hook-not-executable\\n' > 20-skip; chmod 644 20-skip");
        String id = TestStore.uniqueId("hooked");
        session.createContainer(ContainerSpec.builder(id, OciSpecs.container(id, false, 0, List.of("true")))
                .rootfsPath(GuestContainers.ROOTFS)
                .build());
        try {
            session.startContainer(id);
            assertEquals(0, session.waitProcess(id, "", Duration.ofSeconds(60)).exitCode());
            // crun hands a hook the container's state on stdin
            String state = guest("cat", "/run/hook-ran");
            assertTrue(state.contains("\"id\":\"" + id + "\""), state);
            assertEquals(
                    1,
                    session.runProcess(GuestCommand.of("test", "-e", "/run/hook-not-executable"))
                            .exitCode());
        } finally {
            session.removeContainer(id);
        }
    }
}
