package dev.vc4j.internal;

import dev.vc4j.AgentConfig;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.StorageSpec;
import dev.vc4j.spi.VmSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the agent sets up in a freshly booted guest: each planned interface (found by its MAC: names depend on
 * the guest's probe order) with its address and MTU, the default route through the first gateway, and through
 * CreateSandbox the DNS servers, the guest hook directory and the sandbox's shared directory (mounted once, at
 * {@link #SHARED_DIR}).
 */
final class GuestSetup {
    /** Where the guest agent mounts the sandbox's storages (its state directory's {@code sandbox}). */
    static final String GUEST_SANDBOX_DIR = "/run/vc4j-agent/sandbox";
    /** The shared directory in the guest: each container's rootfs is its {@code <id>/rootfs}. */
    static final String SHARED_DIR = GUEST_SANDBOX_DIR + "/" + VmSpec.SHARED_DIR_TAG;

    private GuestSetup() {}

    static void apply(AgentSession agent, List<NetworkEndpoint> network, String hostname, AgentConfig config) {
        GuestIdentity.renew(agent);
        List<GuestRoute> routes = new ArrayList<>();
        Set<String> dns = new LinkedHashSet<>();
        for (NetworkEndpoint nic : network) {
            GuestInterface itf = agent.updateInterface(InterfaceUpdate.byMac(
                    nic.mac(), nic.ipv4().isEmpty() ? List.of() : List.of(nic.ipv4()), nic.mtu()));
            if (routes.isEmpty() && !nic.gateway().isEmpty()) {
                routes.add(GuestRoute.via("", nic.gateway(), itf.name()));
            }
            dns.addAll(nic.dns());
        }
        if (!network.isEmpty()) {
            agent.updateRoutes(routes);
        }
        SandboxSetup.Builder setup = SandboxSetup.builder()
                .hostname(hostname)
                .guestHookPath(config.guestHookPath())
                .storage(StorageSpec.ninep(VmSpec.SHARED_DIR_TAG, VmSpec.SHARED_DIR_TAG));
        dns.forEach(setup::dnsServer);
        agent.createSandbox(setup.build());
    }
}
