package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ExecResult;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxInterface;
import dev.vc4j.StopMode;
import dev.vc4j.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sandbox.addInterface and removeInterface in netns mode (root), as a CNI plugin adds a network to a running pod:
 * the test puts a second veth into the pod's namespace after the sandbox started, its peer in a namespace of its
 * own (203.0.113.0/24, a documentation range) serving a page. A container reaches the page through the hot-added
 * NIC; once removed, the NIC is gone from the guest and vc4j's tap, qdisc and filter from the namespace, the veth
 * untouched. Clashing or unknown interfaces are refused, leaving nothing.
 */
class InterfaceHotplugIT {
    private static final String LINK = "eth1";
    private static final String POD_IP = "203.0.113.2";
    private static final String PEER_IP = "203.0.113.1";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void anInterfaceAddedToARunningSandboxCarriesAContainersTrafficAndGoesAgain() throws Exception {
        Path dir = Files.createTempDirectory("vc4j-it-nethot");
        Path rootfs = HostRootfs.make(Files.createDirectory(dir.resolve("rootfs")));
        Path www = Files.createDirectory(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello over the added link\n");
        String peer = "vc4j-peer2-" + UUID.randomUUID().toString().substring(0, 6);
        Sandbox sandbox = null;
        Process server = null;
        try (PodNamespaces ns = PodNamespaces.create()) {
            sandbox = TestStore.virtContainers()
                    .createSandbox(SandboxConfig.builder()
                            .id(TestStore.uniqueId("nethot"))
                            .network(NetworkConfig.namespace(ns.podPath()))
                            .volume(new Volume("rootfs", rootfs))
                            .build());
            sandbox.start();
            refusesClashesLeavingNothing(sandbox, ns);

            // what a CNI plugin does for a second network: a veth into the running pod's namespace
            PodNamespaces.ip("netns", "add", peer);
            PodNamespaces.ip(
                    "link", "add", LINK, "netns", ns.pod, "type", "veth", "peer", "name", "peer1", "netns", peer);
            PodNamespaces.ip("-n", ns.pod, "addr", "add", POD_IP + "/24", "dev", LINK);
            PodNamespaces.ip("-n", ns.pod, "link", "set", LINK, "up");
            PodNamespaces.ip("-n", peer, "addr", "add", PEER_IP + "/24", "dev", "peer1");
            PodNamespaces.ip("-n", peer, "link", "set", "peer1", "up");
            server = new ProcessBuilder(
                            "ip", "netns", "exec", peer, "busybox", "httpd", "-f", "-p", "8000", "-h", www.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String linkBefore = link(ns);
            String addrBefore = PodNamespaces.ip("-n", ns.pod, "-o", "-4", "addr", "show", "dev", LINK);

            SandboxInterface added = sandbox.addInterface(LINK);
            assertEquals(LINK, added.name());
            assertTrue(linkBefore.contains("link/ether " + added.mac()), linkBefore + " vs " + added);
            assertEquals(POD_IP + "/24", added.ipv4());
            String guestAddr = guest(sandbox, "ip", "-4", "addr", "show", "dev", added.guestName());
            assertTrue(guestAddr.contains("inet " + POD_IP + "/24"), guestAddr);
            assertTrue(PodNamespaces.ip("-n", ns.pod, "-o", "link", "show").contains("vc4j-tap1"));

            Container web = sandbox.createContainer(ContainerConfig.builder()
                    .id("web")
                    .rootfs(Rootfs.directory(rootfs))
                    .cmd(Cmd.builder().args("sleep", "1000").build())
                    .build());
            web.start();
            // the peer's httpd was started a moment ago: asked again until it listens. Debian's busybox-static
            // 1.35 wget dies of SIGSEGV when a connection fails, so the request is written with nc.
            String fetch = "for i in $(seq 50); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + PEER_IP
                    + " 8000 >/tmp/page 2>/tmp/err && grep -q hello /tmp/page && exec sed '1,/^\\r*$/d' /tmp/page;"
                    + " sleep 0.2; done; cat /tmp/err >&2; exit 1";
            try (ContainerProcess p =
                    web.exec(Cmd.builder().args("sh", "-c", fetch).build())) {
                String page = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
                String why = new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(
                        "hello over the added link\n",
                        page,
                        why + guest(sandbox, "ip", "addr") + guest(sandbox, "ip", "route"));
                assertEquals(0, p.waitFor(WAIT));
            }

            sandbox.removeInterface(LINK);
            String guestLinks = guest(sandbox, "ip", "link");
            assertFalse(guestLinks.contains(added.mac()), "the NIC is still in the guest: " + guestLinks);
            assertNothingOfVc4jOn(ns, LINK);
            assertTrue(
                    PodNamespaces.ip("-n", ns.pod, "-o", "link", "show").contains("vc4j-tap0"),
                    "the boot NIC's tap went");
            assertEquals(linkBefore.replaceAll("state \\S+", ""), link(ns).replaceAll("state \\S+", ""));
            assertEquals(addrBefore, PodNamespaces.ip("-n", ns.pod, "-o", "-4", "addr", "show", "dev", LINK));

            // added again and not removed: found in the recorded network state, its tap goes with the boot NIC's
            sandbox.addInterface(LINK);
            sandbox.stop(StopMode.IMMEDIATE);
            sandbox.start(); // the stop took the tap back, or this start would find vc4j-tap1 taken
            // now an interface the VM booted with; a CNI plugin's DEL then removes the link
            Sandbox restarted = sandbox;
            refused(() -> restarted.removeInterface(LINK), "interface.name", LINK);
            PodNamespaces.ip("-n", ns.pod, "link", "del", LINK);
            PodNamespaces.ip("-n", ns.pod, "link", "add", "eth2", "type", "veth", "peer", "name", "eth2p");
            SandboxInterface third = sandbox.addInterface("eth2");
            PodNamespaces.ip("-n", ns.pod, "link", "del", "eth2"); // before its removal, as a CNI DEL may come
            sandbox.removeInterface("eth2");
            assertFalse(guest(sandbox, "ip", "link").contains(third.mac()));
            sandbox.stop(StopMode.IMMEDIATE);
            TestStore.deleteLeavingNothing(sandbox);
            sandbox = null;
            assertFalse(PodNamespaces.ip("-n", ns.pod, "-o", "link", "show").contains("vc4j-tap"));
            String qdiscs = PodNamespaces.tc("-n", ns.pod, "qdisc", "show");
            assertFalse(qdiscs.contains("ingress"), qdiscs);
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
            new ProcessBuilder("ip", "netns", "del", peer).start().waitFor();
            if (sandbox != null) {
                sandbox.stop(StopMode.IMMEDIATE);
            }
            HostRootfs.removeAfter(sandbox, dir);
        }
    }

    /**
     * The pod's own interface a second time, a link the namespace does not have, a veth with the MAC of the pod's
     * interface, and removals of a boot interface or one never added: each named in its error, nothing left.
     */
    private static void refusesClashesLeavingNothing(Sandbox sandbox, PodNamespaces ns) throws Exception {
        String links = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show");
        refused(() -> sandbox.addInterface(PodNamespaces.POD_LINK), "interface.name", PodNamespaces.POD_LINK);
        refused(() -> sandbox.addInterface("nosuch0"), "interface.name", "nosuch0");
        refused(() -> sandbox.addInterface("bad/name"), "interface.name", "bad/name");
        String mac = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show", "dev", PodNamespaces.POD_LINK)
                .replaceAll("(?s).*link/ether (\\S+).*", "$1");
        PodNamespaces.ip(
                "-n", ns.pod, "link", "add", "twin0", "address", mac, "type", "veth", "peer", "name", "twin0p");
        refused(() -> sandbox.addInterface("twin0"), "interface.mac", mac);
        assertNothingOfVc4jOn(ns, "twin0");
        PodNamespaces.ip("-n", ns.pod, "link", "del", "twin0");
        refused(() -> sandbox.removeInterface(PodNamespaces.POD_LINK), "interface.name", PodNamespaces.POD_LINK);
        NotFoundException unknown = assertThrows(NotFoundException.class, () -> sandbox.removeInterface(LINK));
        assertEquals(LINK, unknown.id());
        assertEquals(links, PodNamespaces.ip("-n", ns.pod, "-o", "link", "show"));
    }

    private static void refused(Executable call, String field, String value) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, call);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(value, e.value());
    }

    /** No tap beyond the boot NIC's, no ingress qdisc or filter on {@code dev}. */
    private static void assertNothingOfVc4jOn(PodNamespaces ns, String dev) throws Exception {
        String links = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show");
        assertFalse(links.contains("vc4j-tap1"), "a tap is left: " + links);
        assertEquals(
                "",
                PodNamespaces.tc("-n", ns.pod, "qdisc", "show", "dev", dev, "ingress")
                        .strip());
        assertEquals(
                "",
                PodNamespaces.tc("-n", ns.pod, "filter", "show", "dev", dev, "ingress")
                        .strip());
    }

    private static String link(PodNamespaces ns) throws Exception {
        return PodNamespaces.ip("-n", ns.pod, "-o", "link", "show", "dev", LINK);
    }

    private static String guest(Sandbox sandbox, String... argv) {
        ExecResult r = sandbox.exec(argv);
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderrText());
        return r.stdoutText();
    }
}
