package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netns mode as a CNI runtime uses it (root): the test makes a pod namespace with a veth to a peer namespace; the
 * sandbox's VM becomes the pod's end of the veth, reaches the peer and is reached from it at the pod's IP, and
 * delete takes back exactly what vc4j added.
 */
class NetnsIT {
    @TempDir
    Path www;

    @Test
    void theGuestIsThePodsEndOfTheVeth() throws Exception {
        Files.writeString(www.resolve("index.html"), "hello from the peer\n");
        try (PodNamespaces ns = PodNamespaces.create()) {
            String linkBefore = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show", "dev", PodNamespaces.POD_LINK);
            String addrBefore = PodNamespaces.ip("-n", ns.pod, "-o", "-4", "addr", "show");
            ns.servePeer(www, 8000);
            Path hook = www.resolve("prestart");
            Path hookSaw = www.resolve("hook-netns");
            Files.writeString(hook, "#!/bin/sh\n/usr/bin/stat -L -c %i /proc/self/ns/net > " + hookSaw + "\n");
            assertTrue(hook.toFile().setExecutable(true));
            Sandbox sandbox = TestStore.virtContainers()
                    .createSandbox(SandboxConfig.builder()
                            .id(TestStore.uniqueId("pod"))
                            .network(NetworkConfig.namespace(ns.podPath()))
                            .hooks(new Hooks(List.of(Hook.of(hook)), List.of(), List.of()))
                            .build());
            try {
                sandbox.start();
                assertEquals(
                        Files.getAttribute(ns.podPath(), "unix:ino").toString(),
                        Files.readString(hookSaw).strip(),
                        "the prestart hook ran outside the pod's namespace");
                String taps = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show");
                assertTrue(taps.contains("vc4j-tap0"), taps);
                String guestAddr = guest(sandbox, "ip", "-4", "addr");
                assertTrue(guestAddr.contains("inet " + PodNamespaces.POD_IP + "/24"), guestAddr);
                assertTrue(
                        guest(sandbox, "ip", "route").contains("default via " + PodNamespaces.PEER_IP),
                        guest(sandbox, "ip", "route"));

                // outbound: the guest fetches from the peer namespace
                assertEquals("hello from the peer\n", fetchFromPeer(sandbox));

                // inbound: the peer namespace fetches from the guest at the pod's IP
                guest(sandbox, "sh", "-c", "mkdir -p /run/www && echo 'hello from the pod' > /run/www/index.html");
                guest(sandbox, "busybox", "httpd", "-p", "8080", "-h", "/run/www");
                assertEquals(
                        "hello from the pod\n",
                        ns.inPeer(
                                "timeout",
                                "60",
                                "busybox",
                                "wget",
                                "-q",
                                "-O",
                                "-",
                                "http://" + PodNamespaces.POD_IP + ":8080/"));
            } finally {
                sandbox.stop(StopMode.IMMEDIATE);
                TestStore.deleteLeavingNothing(sandbox);
            }
            String after = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show");
            assertFalse(after.contains("vc4j-tap"), "a tap is left: " + after);
            assertEquals(
                    "",
                    PodNamespaces.tc("-n", ns.pod, "qdisc", "show", "dev", PodNamespaces.POD_LINK, "ingress")
                            .strip(),
                    "an ingress qdisc is left");
            assertEquals(
                    "",
                    PodNamespaces.tc("-n", ns.pod, "filter", "show", "dev", PodNamespaces.POD_LINK, "ingress")
                            .strip());
            assertEquals(
                    linkBefore.replaceAll("state \\S+", ""),
                    PodNamespaces.ip("-n", ns.pod, "-o", "link", "show", "dev", PodNamespaces.POD_LINK)
                            .replaceAll("state \\S+", ""));
            assertEquals(addrBefore, PodNamespaces.ip("-n", ns.pod, "-o", "-4", "addr", "show"));
        }
    }

    @Test
    void cleanupFromAnotherJvmTakesBackTheTapsOfAKilledOne() throws Exception {
        try (PodNamespaces ns = PodNamespaces.create()) {
            String id = TestStore.uniqueId("podkill");
            Sandbox orphan = NetnsSandboxJvm.createdThenKilled(
                    Files.createTempFile(www, "jvm", ".out"), id, ns.podPath().toString());
            assertTrue(PodNamespaces.ip("-n", ns.pod, "-o", "link", "show").contains("vc4j-tap0"));

            VirtContainers vc = TestStore.virtContainers();
            assertTrue(vc.cleanup().contains(id));
            String links = PodNamespaces.ip("-n", ns.pod, "-o", "link", "show");
            assertFalse(links.contains("vc4j-tap"), "a tap is left: " + links);
            assertEquals(
                    "",
                    PodNamespaces.tc("-n", ns.pod, "qdisc", "show", "dev", PodNamespaces.POD_LINK, "ingress")
                            .strip());
            TestStore.deleteLeavingNothing(orphan);
        }
    }

    @Test
    void twoSandboxesInTwoNamespacesReachOnlyTheirOwnPeer() throws Exception {
        Path second = Files.createDirectory(www.resolve("second"));
        Files.writeString(www.resolve("index.html"), "peer of the first pod\n");
        Files.writeString(second.resolve("index.html"), "peer of the second pod\n");
        // both pods have the same addresses: only the namespace tells their traffic apart
        try (PodNamespaces first = PodNamespaces.create();
                PodNamespaces other = PodNamespaces.create()) {
            first.servePeer(www, 8000);
            other.servePeer(second, 8000);
            Sandbox a = inNamespace(first);
            Sandbox b = null;
            try {
                b = inNamespace(other); // booted after a is up: one VM boots at a time
                assertEquals("peer of the first pod\n", fetchFromPeer(a));
                assertEquals("peer of the second pod\n", fetchFromPeer(b));
            } finally {
                TestStore.deleteLeavingNothing(b);
                TestStore.deleteLeavingNothing(a);
            }
        }
    }

    private static Sandbox inNamespace(PodNamespaces ns) {
        return TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("pod"))
                        .network(NetworkConfig.namespace(ns.podPath()))
                        .build());
    }

    private static String fetchFromPeer(Sandbox sandbox) {
        return guest(sandbox, "timeout", "60", "wget", "-q", "-O", "-", "http://" + PodNamespaces.PEER_IP + ":8000/");
    }

    @Test
    void badNamespacesAreRefusedNamingTheFieldAndValue() throws Exception {
        Path missing = Path.of("/var/run/netns/vc4j-no-such-ns");
        assertRefused(missing, "does not exist");
        Path plainFile = Files.createFile(www.resolve("not-a-netns"));
        assertRefused(plainFile, "is not a network namespace");
        try (PodNamespaces ns = PodNamespaces.create()) {
            Path peerOnlyLo = Path.of("/var/run/netns", ns.peer);
            PodNamespaces.ip("-n", ns.peer, "link", "del", "peer0");
            assertRefused(peerOnlyLo, "has no usable interface");
            assertFalse(PodNamespaces.ip("-n", ns.peer, "-o", "link").contains("vc4j-tap"));
        }
    }

    private static void assertRefused(Path namespace, String reason) {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> TestStore.virtContainers()
                        .createSandbox(SandboxConfig.builder()
                                .id(TestStore.uniqueId("bad"))
                                .network(NetworkConfig.namespace(namespace))
                                .build()));
        assertEquals("network.namespace", e.field());
        assertEquals(namespace.toString(), e.value());
        assertTrue(e.reason().startsWith(reason), e.reason());
    }

    private static String guest(Sandbox sandbox, String... argv) {
        ExecResult r = sandbox.exec(GuestCommand.of(argv));
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderrText());
        return r.stdoutText();
    }
}
