package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netns mode in a namespace vc4j creates (root): a prestart hook puts the pod's end of a veth in it as a CNI plugin
 * would, before vc4j reads it; the sandbox's containers reach the peer; delete, a failed create and cleanup after
 * a killed JVM remove the namespace and nothing else.
 */
class OwnNetnsIT {
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final String OWN_PREFIX = "vc4j-net-";

    @TempDir
    Path dir;

    @Test
    void aPrestartHookFillsTheNamespaceVc4jCreatedAndDeleteRemovesIt() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from the peer\n");
        Path rootfs = HostRootfs.make(dir.resolve("rootfs"));
        try (PodNamespaces ns = PodNamespaces.peerWithLooseEnd()) {
            ns.servePeer(www, 8000);
            PodNamespaces.ip("-n", ns.peer, "link", "add", "keep0", "type", "veth", "peer", "name", "keep1");
            Set<String> before = namespaces();
            Sandbox sandbox = null;
            Path created;
            try {
                sandbox = TestStore.virtContainers().createSandbox(inNewNamespace(ns.cniAddHook(dir)));
                created = NETNS_DIR.resolve(onlyNew(before));
                String hookSaw = Files.readString(dir.resolve("cni-netns")).strip();
                assertEquals("net:[" + Files.getAttribute(created, "unix:ino") + "]", hookSaw);
                assertEquals(
                        hookSaw,
                        Files.readSymbolicLink(Path.of(
                                        "/proc", Long.toString(sandbox.status().hypervisorPid()), "ns", "net"))
                                .toString(),
                        "QEMU runs in another namespace than the one the hook filled");
                // the hook moved the veth end away: a second run of it at start would fail the start
                sandbox.start();
                assertEquals(
                        "hello from the peer\n",
                        ScriptContainer.run(
                                sandbox, rootfs, "wget -q -O - http://" + PodNamespaces.PEER_IP + ":8000/"));
            } finally {
                if (sandbox != null) {
                    sandbox.stop(StopMode.IMMEDIATE);
                }
                HostRootfs.removeAfter(sandbox, rootfs);
            }
            assertFalse(Files.exists(created), created + " outlived the sandbox");
            assertEquals(before, namespaces());
            assertTrue(PodNamespaces.ip("-n", ns.peer, "-o", "link", "show", "dev", "keep0")
                    .contains("keep0"));
        }
    }

    @Test
    void aStoppedSandboxStartsInANewNamespaceTheHooksFillAgain() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello again\n");
        try (PodNamespaces ns = PodNamespaces.peerOnly()) {
            ns.servePeer(www, 8000);
            Set<String> before = namespaces();
            Sandbox sandbox = TestStore.virtContainers().createSandbox(inNewNamespace(ns.cniCreateHook(dir)));
            try {
                String created = onlyNew(before);
                sandbox.start();
                assertEquals("hello again\n", fetchFromPeer(sandbox));
                sandbox.stop(StopMode.IMMEDIATE);
                assertEquals(before, namespaces(), "the namespace outlived the VM");

                // a new VM in a new namespace of the same name, which the hook fills anew: the veth it made the
                // first time went with the first namespace, and one left would fail its `ip link add`
                sandbox.start();
                assertEquals(created, onlyNew(before));
                assertEquals("hello again\n", fetchFromPeer(sandbox));
            } finally {
                if (sandbox.status().state() == SandboxState.RUNNING) {
                    sandbox.stop(StopMode.IMMEDIATE);
                }
                TestStore.deleteLeavingNothing(sandbox);
            }
            assertEquals(before, namespaces());
        }
    }

    private static String fetchFromPeer(Sandbox sandbox) {
        ExecResult r = sandbox.exec(GuestCommand.of(
                "timeout", "60", "wget", "-q", "-O", "-", "http://" + PodNamespaces.PEER_IP + ":8000/"));
        assertEquals(0, r.exitCode(), r.stderrText());
        return r.stdoutText();
    }

    @Test
    void aNamespaceTheHooksLeaveEmptyFailsTheCreateAndIsRemoved() throws Exception {
        Path hook = dir.resolve("no-cni");
        Files.writeString(hook, "#!/bin/sh\nexit 0\n");
        assertTrue(hook.toFile().setExecutable(true));
        Set<String> before = namespaces();
        SandboxConfig config = SandboxConfig.builder()
                .id(TestStore.uniqueId("emptyns"))
                .network(NetworkConfig.newNamespace())
                .hooks(new Hooks(List.of(Hook.of(hook)), List.of(), List.of()))
                .build();
        VirtContainers vc = TestStore.virtContainers();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> vc.createSandbox(config));
        assertEquals("network.namespace", e.field());
        assertTrue(e.value().startsWith(NETNS_DIR.resolve(OWN_PREFIX).toString()), e.value());
        assertTrue(e.reason().startsWith("has no usable interface"), e.reason());
        assertEquals(before, namespaces());
        assertEquals(0, TestStore.filesOf(config.id()));
    }

    @Test
    void cleanupRemovesTheNamespaceOfAKilledJvm() throws Exception {
        try (PodNamespaces ns = PodNamespaces.peerWithLooseEnd()) {
            Set<String> before = namespaces();
            String id = TestStore.uniqueId("ownkill");
            Sandbox orphan = NetnsSandboxJvm.createdThenKilled(
                    Files.createTempFile(dir, "jvm", ".out"),
                    id,
                    NetnsSandboxJvm.NEW,
                    ns.cniAddHook(dir).toString());
            Path created = NETNS_DIR.resolve(onlyNew(before));

            assertTrue(TestStore.virtContainers().cleanup().contains(id));
            assertFalse(Files.exists(created), created + " outlived the cleanup");
            assertEquals(before, namespaces());
            TestStore.deleteLeavingNothing(orphan);
        }
    }

    private static SandboxConfig inNewNamespace(Path hook) {
        return SandboxConfig.builder()
                .id(TestStore.uniqueId("ownns"))
                .network(NetworkConfig.newNamespace())
                .hooks(new Hooks(List.of(Hook.of(hook)), List.of(), List.of()))
                .build();
    }

    /** The namespaces vc4j created, by their names (others come and go with other tests). */
    private static Set<String> namespaces() throws IOException {
        Set<String> names = new HashSet<>();
        if (Files.isDirectory(NETNS_DIR)) {
            try (var list = Files.list(NETNS_DIR)) {
                list.map(p -> p.getFileName().toString())
                        .filter(name -> name.startsWith(OWN_PREFIX))
                        .forEach(names::add);
            }
        }
        return names;
    }

    /** The one namespace vc4j created since {@code before}. */
    private static String onlyNew(Set<String> before) throws IOException {
        Set<String> added = namespaces();
        added.removeAll(before);
        assertEquals(1, added.size(), "namespaces added: " + added);
        return added.iterator().next();
    }
}
