package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkConfig;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Netns mode, Kata's tcfilter model: in the sandbox's network namespace, a tap per pod interface, joined to it by
 * tc ingress redirects both ways, so that the VM's NIC (on the tap, with the interface's MAC) is the pod's end of
 * the wire. QEMU runs in the namespace; the guest takes the interface's addresses and gateway.
 */
final class PodNetwork {
    static final String TAP_PREFIX = "vc4j-tap";
    /** Redirects every frame arriving on {@code from} out of the other device: u32 with an empty match, as Kata. */
    private static final List<String> MATCH_ALL = List.of("protocol", "all", "u32", "match", "u8", "0", "0");

    private PodNetwork() {}

    /**
     * Wires the interfaces of the caller's namespace, or of the one vc4j created ({@link OwnNamespace}) as the
     * prestart hooks left it.
     */
    static List<NetworkEndpoint> attach(Path runDir, NetworkConfig config) {
        NetnsState state = config.createsNamespace()
                ? NetnsState.read(runDir)
                        .filter(NetnsState::created)
                        .orElseThrow(() -> new IllegalStateException("attach before createNamespace"))
                : NetnsState.given(requireNamespace(config.namespace()));
        Path namespace = Path.of(state.namespace());
        Nsenter ns = new Nsenter(namespace);
        List<PodInterface> pod = PodDiscovery.discover(ns, namespace);
        String taken = ns.run("ip", "-o", "link", "show");
        state.write(runDir);
        List<NetworkEndpoint> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < pod.size(); i++) {
                PodInterface itf = pod.get(i);
                String tap = TAP_PREFIX + i;
                if (hasLink(taken, tap)) {
                    throw new InvalidConfigException(
                            "network.namespace", namespace, "already has an interface named " + tap);
                }
                state = wire(ns, runDir, state, new NetnsState.Wire(itf.name(), itf.mac(), tap, false, false), itf);
                endpoints.add(new NetworkEndpoint(
                        NetworkEndpoint.Backend.TAP,
                        "eth" + i,
                        itf.mac(),
                        itf.ipv4().isEmpty() ? "" : itf.ipv4().get(0),
                        itf.gateway(),
                        List.of(),
                        itf.mtu(),
                        tap,
                        namespace));
            }
        } catch (RuntimeException e) {
            detach(runDir);
            throw e;
        }
        return endpoints;
    }

    /**
     * Makes {@code wire}'s tap and joins it to {@code itf}. Each step is recorded as soon as it is done, and only
     * then: what failed to be made was never vc4j's.
     */
    static NetnsState wire(Nsenter ns, Path runDir, NetnsState state, NetnsState.Wire wire, PodInterface itf) {
        String tap = wire.tap();
        ns.run(
                "ip",
                "tuntap",
                "add",
                "dev",
                tap,
                "mode",
                "tap",
                "user",
                Integer.toString(HostIds.current().uid()));
        NetnsState made = state.with(wire);
        made.write(runDir);
        ns.run("ip", "link", "set", "dev", tap, "mtu", Integer.toString(itf.mtu()), "up");
        ns.run("tc", "qdisc", "add", "dev", tap, "ingress");
        redirect(ns, tap, itf.name());
        ns.run("tc", "qdisc", "add", "dev", itf.name(), "ingress");
        made = made.with(wire.withPodIngress());
        made.write(runDir);
        redirect(ns, itf.name(), tap);
        return made;
    }

    private static void redirect(Nsenter ns, String from, String to) {
        List<String> argv = new ArrayList<>(List.of("tc", "filter", "add", "dev", from, "parent", "ffff:"));
        argv.addAll(MATCH_ALL);
        argv.addAll(List.of("action", "mirred", "egress", "redirect", "dev", to));
        ns.run(argv.toArray(String[]::new));
    }

    /**
     * Takes back what the recorded state says vc4j added. A namespace that is gone took everything in it along, as
     * does one vc4j created when it is removed.
     */
    static void detach(Path runDir) {
        NetnsState state = NetnsState.read(runDir).orElse(null);
        if (state == null) {
            return;
        }
        Path namespace = Path.of(state.namespace());
        if (state.created()) {
            OwnNamespace.remove(namespace);
        } else if (Files.exists(namespace)) {
            Nsenter ns = new Nsenter(namespace);
            String links = ns.run("ip", "-o", "link", "show");
            for (NetnsState.Wire wire : state.wires()) {
                unwire(ns, links, wire);
            }
        }
        NetnsState.remove(runDir);
    }

    /**
     * Takes back what {@link #wire} made of {@code wire}, of what {@code links} ({@code ip -o link}) shows: a pod link
     * deleted meanwhile (a CNI plugin's DEL) took its qdisc along.
     */
    static void unwire(Nsenter ns, String links, NetnsState.Wire wire) {
        if (wire.podIngress() && hasLink(links, wire.pod()) && hasIngress(ns, wire.pod())) {
            ns.run("tc", "qdisc", "del", "dev", wire.pod(), "ingress");
        }
        if (hasLink(links, wire.tap())) {
            ns.run("ip", "link", "del", "dev", wire.tap());
        }
    }

    /** Whether {@code links} ({@code ip -o link}) shows {@code name} (a veth's name carries its peer: NAME@PEER). */
    static boolean hasLink(String links, String name) {
        return links.contains(": " + name + ":") || links.contains(": " + name + "@");
    }

    private static boolean hasIngress(Nsenter ns, String dev) {
        return ns.run("tc", "qdisc", "show", "dev", dev, "ingress").contains("ingress");
    }

    static void requireRoot() {
        if (!HostIds.current().isRoot()) {
            throw new InvalidConfigException("network.mode", NetworkConfig.Mode.NETNS, "needs root");
        }
    }

    private static Path requireNamespace(String path) {
        requireRoot();
        Path namespace = Path.of(path);
        if (!Files.exists(namespace)) {
            throw new InvalidConfigException("network.namespace", path, "does not exist");
        }
        try {
            new Nsenter(namespace).run("true");
        } catch (RuntimeException e) {
            throw new InvalidConfigException("network.namespace", path, "is not a network namespace", e);
        }
        return namespace;
    }
}
