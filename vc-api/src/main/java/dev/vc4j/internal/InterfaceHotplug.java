package dev.vc4j.internal;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxInterface;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.Vm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Interfaces added to and removed from a running {@link Sandbox} in netns mode. Adding: the network driver wires
 * the namespace's link (a tap with tc redirects, recorded with the sandbox's network state), the hypervisor plugs a
 * NIC with the link's MAC, and the agent sets the NIC up once the guest has it (addresses, MTU, a default route
 * through its gateway when the guest has none). Removing goes back the same way. A step that fails undoes those
 * before it. Callers hold the sandbox's exclusive lock.
 */
public final class InterfaceHotplug {
    /** A guest under TCG takes up to a few seconds to probe a hot-added device. */
    private static final Duration GUEST_WAIT = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 100;
    /** Linux's interface names: at most 15 bytes, no '/', ':' or white space. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");

    private final SandboxConfig config;
    private final StoredSandbox stored;
    private final Network network;
    private final GuestLink link;

    public InterfaceHotplug(SandboxConfig config, StoredSandbox stored, Network network, GuestLink link) {
        this.config = config;
        this.stored = stored;
        this.network = network;
        this.link = link;
    }

    /**
     * Throws {@link InvalidConfigException} unless {@code name} can name a link and the sandbox is in netns mode:
     * in user mode the one NIC is passt's, and there is no namespace a link could be added to.
     */
    public void check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidConfigException(
                    "interface.name", name, "must be a Linux interface name (1 to 15 of A-Z a-z 0-9 _ . @ -)");
        }
        NetworkConfig.Mode mode = config.network().mode();
        if (mode != NetworkConfig.Mode.NETNS) {
            throw new InvalidConfigException(
                    "network.mode", mode, "has no network namespace to take interfaces from: only NETNS does");
        }
    }

    /** Adds the namespace's link {@code name} (checked) to the VM of {@code record}. */
    public SandboxInterface add(SandboxRecord record, String name) {
        String id = config.id();
        Undo undo = new Undo();
        try {
            NetworkEndpoint nic = network.attachInterface(id, stored.runDir(), name);
            undo.push("take back the tap of " + name, () -> network.detachInterface(id, stored.runDir(), name));
            Vm vm = link.vm(record);
            vm.hotplugNic(nic);
            undo.push("unplug the NIC of " + name, () -> vm.unplugNic(nic));
            GuestInterface guest = link.call(record, agent -> setUp(agent, nic));
            return new SandboxInterface(name, guest.name(), nic.mac(), nic.mtu(), nic.ipv4(), nic.gateway());
        } catch (RuntimeException | Error e) {
            undo.runAll(e);
            throw e;
        }
    }

    /**
     * Removes the interface {@link #add} added for {@code name} (checked): down in the guest, the NIC unplugged,
     * the tap and its filters taken back. A failed unplug brings the interface up again in the guest.
     */
    public void remove(SandboxRecord record, String name) {
        NetworkEndpoint nic = network.attachedInterface(stored.runDir(), name);
        Undo undo = new Undo();
        try {
            link.call(record, agent -> takeDown(agent, nic));
            undo.push("bring " + name + " up again in the guest", () -> link.call(record, agent -> setUp(agent, nic)));
            link.vm(record).unplugNic(nic);
        } catch (RuntimeException | Error e) {
            undo.runAll(e);
            throw e;
        }
        network.detachInterface(config.id(), stored.runDir(), name);
    }

    /**
     * Waits for the guest to have the NIC, sets it up and, when it brings a gateway and the guest has no IPv4
     * default route, routes through it: the routes vc4j set (those with a gateway) stay.
     */
    private static GuestInterface setUp(AgentSession agent, NetworkEndpoint nic) {
        awaitGuestNic(agent, nic.mac());
        GuestInterface itf = agent.updateInterface(
                InterfaceUpdate.byMac(nic.mac(), nic.ipv4().isEmpty() ? List.of() : List.of(nic.ipv4()), nic.mtu()));
        List<GuestRoute> routes = new ArrayList<>(
                agent.listRoutes().stream().filter(r -> !r.gateway().isEmpty()).toList());
        if (!nic.gateway().isEmpty() && routes.stream().noneMatch(InterfaceHotplug::isIpv4Default)) {
            routes.add(GuestRoute.via("", nic.gateway(), itf.name()));
            agent.updateRoutes(routes);
        }
        return itf;
    }

    /** Down and without addresses: the kernel drops the routes through it. A NIC the guest lost is down already. */
    private static Void takeDown(AgentSession agent, NetworkEndpoint nic) {
        try {
            agent.updateInterface(new InterfaceUpdate(nic.mac(), "", List.of(), 0, false));
        } catch (NotFoundException gone) {
            // an earlier removal got as far as the unplug
        }
        return null;
    }

    private static boolean isIpv4Default(GuestRoute route) {
        return route.destination().equals("0.0.0.0/0")
                || ((route.destination().isEmpty() || route.destination().equals("default"))
                        && !route.gateway().contains(":"));
    }

    private static void awaitGuestNic(AgentSession agent, String mac) {
        long deadline = System.nanoTime() + GUEST_WAIT.toNanos();
        while (true) {
            Optional<GuestInterface> found = agent.listInterfaces().stream()
                    .filter(i -> i.mac().equalsIgnoreCase(mac))
                    .findFirst();
            if (found.isPresent()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new VcTimeoutException("the guest showing a NIC with the MAC " + mac, GUEST_WAIT, null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VcTimeoutException(
                        "the guest showing a NIC with the MAC " + mac + " (interrupted)", GUEST_WAIT, e);
            }
        }
    }
}
