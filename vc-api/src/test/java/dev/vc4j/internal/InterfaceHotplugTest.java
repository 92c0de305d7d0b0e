package dev.vc4j.internal;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxInterface;
import dev.vc4j.SandboxState;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.InterfaceUpdate;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** Each step of adding or removing an interface that fails undoes the steps before it; bad requests change nothing. */
class InterfaceHotplugTest {
    private static final Path RUN_DIR = Path.of("/run/vc4j/sbs/sb");
    private static final String MAC = "0a:58:cb:00:71:02";
    private static final VmRecord VM = new VmRecord(1, 1, Accelerator.TCG);
    private static final SandboxRecord RUNNING =
            new SandboxRecord("sb", SandboxState.RUNNING, Instant.now(), VM, Map.of());
    private static final NetworkEndpoint NIC = new NetworkEndpoint(
            NetworkEndpoint.Backend.TAP,
            "eth1",
            MAC,
            "203.0.113.2/24",
            "203.0.113.1",
            List.of(),
            1500,
            "vc4j-tap1",
            Path.of("/var/run/netns/pod"));
    private static final GuestInterface GUEST_NIC =
            new GuestInterface("eth1", MAC, 1500, true, List.of("203.0.113.2/24"));

    private final SandboxStore store = mock(SandboxStore.class);
    private final Hypervisor hypervisor = mock(Hypervisor.class);
    private final Agent agent = mock(Agent.class);
    private final AgentSession session = mock(AgentSession.class);
    private final Network network = mock(Network.class);
    private final Vm vm = mock(Vm.class);
    private GuestLink link;

    @BeforeEach
    void setUp() {
        when(store.runDir("sb")).thenReturn(RUN_DIR);
        when(hypervisor.attach(any(), any(), any())).thenReturn(vm);
        when(vm.record()).thenReturn(VM);
        when(vm.isAlive()).thenReturn(true);
        when(vm.agentChannel()).thenReturn(AgentChannel.virtioSerial(RUN_DIR.resolve("agent.sock")));
        when(agent.connect(any(), any(), any(), any())).thenReturn(session);
        when(session.awaitOomEvent(any())).thenAnswer(call -> {
            Thread.sleep(((Duration) call.getArgument(0)).toMillis());
            return Optional.empty();
        });
        when(network.attachInterface("sb", RUN_DIR, "eth1")).thenReturn(NIC);
        when(network.attachedInterface(RUN_DIR, "eth1")).thenReturn(NIC);
        when(session.listInterfaces()).thenReturn(List.of(GUEST_NIC));
        when(session.updateInterface(any())).thenReturn(GUEST_NIC);
    }

    @AfterEach
    void tearDown() {
        if (link != null) {
            link.close();
        }
    }

    private InterfaceHotplug hotplug(NetworkConfig network) {
        SandboxConfig config = SandboxConfig.builder().id("sb").network(network).build();
        link = new GuestLink(
                config,
                RUN_DIR,
                RUN_DIR,
                () -> RUN_DIR,
                hypervisor,
                agent,
                this.network,
                namespace -> {},
                ended -> {},
                containerId -> {});
        return new InterfaceHotplug(config, new StoredSandbox(store, config), this.network, link);
    }

    private InterfaceHotplug inNamespace() {
        return hotplug(NetworkConfig.namespace(Path.of("/var/run/netns/pod")));
    }

    @Test
    void userModeHasNoNamespaceToTakeInterfacesFrom() {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> hotplug(NetworkConfig.userMode()).check("eth1"));
        assertEquals("network.mode", e.field());
        assertEquals("USER", e.value());
        verifyNoInteractions(network);
    }

    @Test
    void aNameNoLinkCanHaveIsRefused() {
        for (String bad : new String[] {"", "a/b", "eth0:1", "sixteen-chars-xx", "a b"}) {
            InvalidConfigException e = assertThrows(
                    InvalidConfigException.class, () -> inNamespace().check(bad));
            assertEquals("interface.name", e.field());
            assertEquals(bad, e.value());
        }
        verifyNoInteractions(network);
    }

    @Test
    void anAddedInterfaceIsSetUpInTheGuestWithADefaultRouteWhenItHasNone() {
        when(session.listRoutes()).thenReturn(List.of());

        SandboxInterface added = inNamespace().add(RUNNING, "eth1");

        assertEquals(new SandboxInterface("eth1", "eth1", MAC, 1500, "203.0.113.2/24", "203.0.113.1"), added);
        verify(vm).hotplugNic(NIC);
        verify(session).updateInterface(InterfaceUpdate.byMac(MAC, List.of("203.0.113.2/24"), 1500));
        verify(session).updateRoutes(List.of(GuestRoute.via("", "203.0.113.1", "eth1")));
    }

    @Test
    void aGuestWithADefaultRouteKeepsIt() {
        when(session.listRoutes()).thenReturn(List.of(GuestRoute.via("0.0.0.0/0", "198.51.100.1", "eth0")));

        inNamespace().add(RUNNING, "eth1");

        verify(session, never()).updateRoutes(anyList());
    }

    @Test
    void aFailedPlugTakesTheTapBack() {
        HypervisorException boom = new HypervisorException("no free PCIe root port");
        doThrow(boom).when(vm).hotplugNic(NIC);

        assertSame(
                boom,
                assertThrows(HypervisorException.class, () -> inNamespace().add(RUNNING, "eth1")));

        verify(network).detachInterface("sb", RUN_DIR, "eth1");
        verify(session, never()).updateInterface(any());
    }

    @Test
    void aNicTheGuestRefusesIsUnpluggedThenItsTapTakenBack() {
        when(session.listRoutes()).thenReturn(List.of());
        when(session.updateInterface(any()))
                .thenThrow(new InvalidConfigException("address", "203.0.113.2/24", "refused"));

        assertThrows(InvalidConfigException.class, () -> inNamespace().add(RUNNING, "eth1"));

        InOrder order = inOrder(vm, network);
        order.verify(vm).hotplugNic(NIC);
        order.verify(vm).unplugNic(NIC);
        order.verify(network).detachInterface("sb", RUN_DIR, "eth1");
    }

    @Test
    void aFailedUnplugBringsTheInterfaceUpAgainAndKeepsItsTap() {
        when(session.listRoutes()).thenReturn(List.of());
        VcTimeoutException slow = new VcTimeoutException("QMP event DEVICE_DELETED", Duration.ofSeconds(20), null);
        doThrow(slow).when(vm).unplugNic(NIC);

        assertSame(
                slow, assertThrows(VcTimeoutException.class, () -> inNamespace().remove(RUNNING, "eth1")));

        InOrder order = inOrder(session, vm);
        order.verify(session).updateInterface(new InterfaceUpdate(MAC, "", List.of(), 0, false));
        order.verify(vm).unplugNic(NIC);
        order.verify(session).updateInterface(InterfaceUpdate.byMac(MAC, List.of("203.0.113.2/24"), 1500));
        verify(network, never()).detachInterface(any(), any(), any());
    }

    @Test
    void aRemovedInterfaceGoesDownThenItsNicThenItsTap() {
        inNamespace().remove(RUNNING, "eth1");

        InOrder order = inOrder(session, vm, network);
        order.verify(session).updateInterface(new InterfaceUpdate(MAC, "", List.of(), 0, false));
        order.verify(vm).unplugNic(NIC);
        order.verify(network).detachInterface("sb", RUN_DIR, "eth1");
    }
}
