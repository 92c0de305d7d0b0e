package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkException;
import dev.vc4j.NotFoundException;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Netns mode's interfaces added to a running sandbox: a link that appeared in the sandbox's namespace (as a CNI
 * plugin adds one to a running pod) gets a tap and tc redirects as {@link PodNetwork} gives each link at the
 * start, recorded in the same {@link NetnsState} with a mark that it was hot-plugged, so that a delete or cleanup
 * from any process takes it back with the others.
 */
final class PodHotplug {
    /** A hot-added interface's tap is the first free of these; the VM's interfaces are far fewer. */
    private static final int MAX_TAPS = 256;

    private PodHotplug() {}

    static NetworkEndpoint attach(Path runDir, String name) {
        NetnsState state = state(runDir);
        Path namespace = Path.of(state.namespace());
        Nsenter ns = new Nsenter(namespace);
        if (state.wires().stream().anyMatch(w -> w.pod().equals(name))) {
            throw new InvalidConfigException("interface.name", name, "is already an interface of the sandbox");
        }
        List<PodInterface> links = PodDiscovery.links(ns);
        PodInterface itf = links.stream()
                .filter(l -> l.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException(
                        "interface.name", name, "is no Ethernet link in the network namespace " + namespace));
        for (NetnsState.Wire wire : state.wires()) {
            boolean sameMac = itf.mac().equals(wire.mac())
                    || links.stream()
                            .anyMatch(
                                    l -> l.name().equals(wire.pod()) && l.mac().equals(itf.mac()));
            if (sameMac) {
                throw new InvalidConfigException(
                        "interface.mac", itf.mac(), "is the MAC of the sandbox's interface " + wire.pod());
            }
        }
        String tap = freeTap(ns, state);
        NetnsState.Wire wire = new NetnsState.Wire(name, itf.mac(), tap, false, true);
        try {
            PodNetwork.wire(ns, runDir, state, wire, itf);
        } catch (RuntimeException e) {
            try {
                detach(runDir, name);
            } catch (RuntimeException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
        return endpoint(wire, itf.mtu(), itf.ipv4().isEmpty() ? "" : itf.ipv4().get(0), itf.gateway(), namespace);
    }

    /**
     * The guest interface of the hot-added {@code name}, from the namespace as it is now (its MTU, address and
     * gateway; a link gone meanwhile keeps only its MAC and tap).
     */
    static NetworkEndpoint attached(Path runDir, String name) {
        NetnsState state = state(runDir);
        NetnsState.Wire wire = state.wires().stream()
                .filter(w -> w.pod().equals(name))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("interface", name));
        if (!wire.hotplugged()) {
            throw new InvalidConfigException(
                    "interface.name", name, "was wired when the VM booted: it stays for the VM's life");
        }
        Path namespace = Path.of(state.namespace());
        Optional<PodInterface> itf = Files.exists(namespace)
                ? PodDiscovery.links(new Nsenter(namespace)).stream()
                        .filter(l -> l.name().equals(name))
                        .findFirst()
                : Optional.empty();
        return endpoint(
                wire,
                itf.map(PodInterface::mtu).orElse(0),
                itf.filter(i -> !i.ipv4().isEmpty()).map(i -> i.ipv4().get(0)).orElse(""),
                itf.map(PodInterface::gateway).orElse(""),
                namespace);
    }

    /** Takes back the tap, qdiscs and filters of {@code name} and its record; nothing when none is recorded. */
    static void detach(Path runDir, String name) {
        NetnsState state = NetnsState.read(runDir).orElse(null);
        if (state == null) {
            return;
        }
        Optional<NetnsState.Wire> wire =
                state.wires().stream().filter(w -> w.pod().equals(name)).findFirst();
        if (wire.isEmpty()) {
            return;
        }
        Path namespace = Path.of(state.namespace());
        if (Files.exists(namespace)) {
            Nsenter ns = new Nsenter(namespace);
            PodNetwork.unwire(ns, ns.run("ip", "-o", "link", "show"), wire.get());
        }
        state.without(wire.get().tap()).write(runDir);
    }

    private static NetnsState state(Path runDir) {
        return NetnsState.read(runDir)
                .orElseThrow(() -> new NetworkException(
                        "no network namespace is recorded in " + runDir + ": the sandbox's VM is not running"));
    }

    /** The first tap name neither recorded nor present in the namespace. */
    private static String freeTap(Nsenter ns, NetnsState state) {
        String links = ns.run("ip", "-o", "link", "show");
        for (int i = 0; i < MAX_TAPS; i++) {
            String tap = PodNetwork.TAP_PREFIX + i;
            if (state.wires().stream().noneMatch(w -> w.tap().equals(tap)) && !PodNetwork.hasLink(links, tap)) {
                return tap;
            }
        }
        throw new NetworkException("all " + MAX_TAPS + " tap names " + PodNetwork.TAP_PREFIX + "N are in use");
    }

    private static NetworkEndpoint endpoint(
            NetnsState.Wire wire, int mtu, String ipv4, String gateway, Path namespace) {
        String guestName = "eth" + wire.tap().substring(PodNetwork.TAP_PREFIX.length());
        return new NetworkEndpoint(
                NetworkEndpoint.Backend.TAP,
                guestName,
                wire.mac(),
                ipv4,
                gateway,
                List.of(),
                mtu,
                wire.tap(),
                namespace);
    }
}
