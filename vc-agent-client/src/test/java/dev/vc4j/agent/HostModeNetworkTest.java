package dev.vc4j.agent;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.spi.GuestNeighbor;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;
import dev.vc4j.spi.SandboxSetup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The network RPCs' rejections, from the real agent in host mode to the typed exceptions naming the field and
 * value. Only requests that fail before anything changes: the host's network is not this test's to touch (the
 * changes themselves are tested in the agent's own unit tests, in a network namespace, and in a VM by NetworkIT).
 */
class HostModeNetworkTest extends HostModeFixture {

    @Test
    void aPrefixOver32NamesTheAddress() {
        session = connect();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> session.updateInterface(InterfaceUpdate.byName("lo", List.of("127.0.0.1/8", "10.0.0.1/33"), 0)));
        assertEquals("addresses[1]", e.field());
        assertEquals("10.0.0.1/33", e.value());
        assertEquals("invalid addresses[1] `10.0.0.1/33`: the prefix length is over 32", e.getMessage());
    }

    @Test
    void aBadMacOrMtuIsNamed() {
        session = connect();
        InvalidConfigException mac = assertThrows(
                InvalidConfigException.class,
                () -> session.updateInterface(InterfaceUpdate.byMac("02:00:00:00:00:zz", List.of(), 0)));
        assertEquals("mac", mac.field());
        assertEquals("02:00:00:00:00:zz", mac.value());
        InvalidConfigException mtu = assertThrows(
                InvalidConfigException.class,
                () -> session.updateInterface(InterfaceUpdate.byName("lo", List.of(), 70000)));
        assertEquals("mtu", mtu.field());
        assertEquals("70000", mtu.value());
    }

    @Test
    void anUnknownInterfaceIsNotFound() {
        session = connect();
        NotFoundException byName = assertThrows(
                NotFoundException.class,
                () -> session.updateInterface(InterfaceUpdate.byName("nosuch0", List.of("10.0.0.1/24"), 0)));
        assertEquals("interface", byName.kind());
        assertEquals("nosuch0", byName.id());
        NotFoundException byMac = assertThrows(
                NotFoundException.class,
                () -> session.updateInterface(InterfaceUpdate.byMac("02:00:5e:00:99:99", List.of(), 0)));
        assertEquals("02:00:5e:00:99:99", byMac.id());
        NotFoundException device = assertThrows(
                NotFoundException.class,
                () -> session.addArpNeighbors(List.of(new GuestNeighbor("10.0.0.9", "02:00:00:00:00:09", "nosuch0"))));
        assertEquals("nosuch0", device.id());
    }

    @Test
    void badRoutesAreNamedByIndexAndField() {
        session = connect();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> session.updateRoutes(
                        List.of(GuestRoute.defaultVia("10.0.2.2"), GuestRoute.via("10.1.0.1/16", "10.0.2.2", ""))));
        assertEquals("routes[1].destination", e.field());
        assertEquals("10.1.0.1/16", e.value());
        InvalidConfigException gateway = assertThrows(
                InvalidConfigException.class,
                () -> session.updateRoutes(List.of(GuestRoute.via("10.1.0.0/16", "fd00::1", ""))));
        assertEquals("routes[0].gateway", gateway.field());
    }

    @Test
    void aRelativeGuestHookPathIsRejected() {
        session = connect();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> session.createSandbox(
                        SandboxSetup.builder().guestHookPath("run/hooks").build()));
        assertEquals("guest_hook_path", e.field());
        assertEquals("run/hooks", e.value());
    }
}
