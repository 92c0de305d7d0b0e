package dev.vc4j.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetnsStateTest {
    @TempDir
    Path runDir;

    @Test
    void whetherVc4jCreatedTheNamespaceIsPersisted() {
        NetnsState.created(Path.of("/var/run/netns/vc4j-net-1"))
                .with(new NetnsState.Wire("eth0", "0a:58:c0:00:02:02", "vc4j-tap0", true, false))
                .write(runDir);
        NetnsState read = NetnsState.read(runDir).orElseThrow();
        assertTrue(read.created());
        assertEquals("/var/run/netns/vc4j-net-1", read.namespace());
        assertEquals(List.of(new NetnsState.Wire("eth0", "0a:58:c0:00:02:02", "vc4j-tap0", true, false)), read.wires());

        NetnsState.given(Path.of("/var/run/netns/pod")).write(runDir);
        assertFalse(NetnsState.read(runDir).orElseThrow().created());
    }

    @Test
    void aStateFromBeforeCreatedNamespacesIsTheCallers() throws Exception {
        Files.writeString(
                runDir.resolve(NetnsState.FILE), "{\"version\":1,\"namespace\":\"/var/run/netns/pod\",\"wires\":[]}");
        assertFalse(NetnsState.read(runDir).orElseThrow().created());
    }

    @Test
    void theNameOfAnOwnNamespaceFollowsTheRunDirectory() {
        String name = OwnNamespace.nameFor(Path.of("/run/vc4j/sandboxes/a"));
        assertTrue(name.matches("vc4j-net-[0-9a-f]{12}"), name);
        assertEquals(name, OwnNamespace.nameFor(Path.of("/run/vc4j/sandboxes/a")));
        assertFalse(name.equals(OwnNamespace.nameFor(Path.of("/srv/vc4j/sandboxes/a"))));
    }
}
