package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkException;
import dev.vc4j.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the recorded network state decides before any namespace is touched; wiring in a real namespace is tested in
 * vc-it (InterfaceHotplugIT).
 */
class PodHotplugTest {
    /** A namespace that is gone: nothing here may need it. */
    private static final Path GONE = Path.of("/var/run/netns/vc4j-test-gone");

    private static final NetnsState.Wire BOOT =
            new NetnsState.Wire("eth0", "0a:58:c6:33:64:02", "vc4j-tap0", true, false);
    private static final NetnsState.Wire ADDED =
            new NetnsState.Wire("eth1", "0a:58:cb:00:71:02", "vc4j-tap1", true, true);

    @TempDir
    Path runDir;

    private void record(NetnsState.Wire... wires) {
        new NetnsState(1, GONE.toString(), false, List.of(wires)).write(runDir);
    }

    @Test
    void aSandboxWithoutANamespaceRecordedHasNoInterfaceToAdd() {
        assertThrows(NetworkException.class, () -> PodHotplug.attach(runDir, "eth1"));
        assertFalse(Files.exists(runDir.resolve(NetnsState.FILE)));
    }

    @Test
    void anInterfaceOfTheSandboxIsNotAddedTwice() {
        record(BOOT, ADDED);
        for (String name : List.of("eth0", "eth1")) {
            InvalidConfigException e =
                    assertThrows(InvalidConfigException.class, () -> PodHotplug.attach(runDir, name));
            assertEquals("interface.name", e.field());
            assertEquals(name, e.value());
        }
        assertEquals(List.of(BOOT, ADDED), NetnsState.read(runDir).orElseThrow().wires());
    }

    @Test
    void onlyHotAddedInterfacesCanBeRemoved() {
        record(BOOT, ADDED);
        InvalidConfigException boot =
                assertThrows(InvalidConfigException.class, () -> PodHotplug.attached(runDir, "eth0"));
        assertEquals("interface.name", boot.field());
        assertEquals("eth0", boot.value());
        NotFoundException unknown = assertThrows(NotFoundException.class, () -> PodHotplug.attached(runDir, "eth7"));
        assertEquals("eth7", unknown.id());
        assertEquals("vc4j-tap1", PodHotplug.attached(runDir, "eth1").hostLink());
        assertEquals(ADDED.mac(), PodHotplug.attached(runDir, "eth1").mac());
    }

    @Test
    void detachForgetsOnlyThatInterfaceAndIsRepeatable() {
        record(BOOT, ADDED);
        PodHotplug.detach(runDir, "eth1");
        PodHotplug.detach(runDir, "eth1");
        PodHotplug.detach(runDir, "eth7");
        assertEquals(List.of(BOOT), NetnsState.read(runDir).orElseThrow().wires());
    }

    @Test
    void aStateRecordedBeforeHotplugReadsAsBootInterfaces() throws Exception {
        Files.writeString(
                runDir.resolve(NetnsState.FILE),
                "{\"version\":1,\"namespace\":\"" + GONE + "\",\"wires\":[{\"pod\":\"eth0\",\"tap\":\"vc4j-tap0\","
                        + "\"podIngress\":true}]}");
        NetnsState.Wire wire = NetnsState.read(runDir).orElseThrow().wires().get(0);
        assertEquals(new NetnsState.Wire("eth0", null, "vc4j-tap0", true, false), wire);
    }
}
