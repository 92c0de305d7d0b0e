package dev.vc4j.network;

import dev.vc4j.NetworkConfig;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The default {@link Network}. User mode runs passt ({@link Passt}) for the VM's one NIC and plans the guest side
 * with fixed addressing: the guest 10.0.2.15/24, the gateway 10.0.2.2 (the host's loopback only when the config
 * allows it), DNS queries to 10.0.2.3 forwarded to the host's resolver.
 */
public final class HostNetwork implements Network {
    static final String USER_GUEST_IP = "10.0.2.15";
    static final int USER_PREFIX = 24;
    static final String USER_GATEWAY = "10.0.2.2";
    static final String USER_DNS = "10.0.2.3";
    /** The usual Ethernet MTU: passt takes the guest's frames apart into socket writes whatever their size. */
    static final int USER_MTU = 1500;

    @Override
    public Optional<Path> createNamespace(String sandboxId, Path runDir, NetworkConfig config) {
        if (!config.createsNamespace()) {
            return Optional.empty();
        }
        PodNetwork.requireRoot();
        return Optional.of(OwnNamespace.create(runDir));
    }

    @Override
    public List<NetworkEndpoint> attach(String sandboxId, Path runDir, NetworkConfig config) {
        return switch (config.mode()) {
            case NONE -> List.of();
            case USER ->
                List.of(new NetworkEndpoint(
                        NetworkEndpoint.Backend.PASST,
                        "eth0",
                        macFor(sandboxId, 0),
                        USER_GUEST_IP + "/" + USER_PREFIX,
                        USER_GATEWAY,
                        List.of(USER_DNS),
                        USER_MTU,
                        Passt.start(runDir, config).toString(),
                        null));
            case NETNS -> PodNetwork.attach(runDir, config);
        };
    }

    /**
     * Ends a passt whose VM never connected (one that did ends with its VM), takes back the taps and filters of
     * netns mode or the namespace vc4j created, and removes their files.
     */
    @Override
    public void detach(String sandboxId, Path runDir) {
        Passt.stop(runDir);
        PodNetwork.detach(runDir);
    }

    /** Netns mode only: user mode's one NIC is passt's, and its sandbox has no namespace to take links from. */
    @Override
    public NetworkEndpoint attachInterface(String sandboxId, Path runDir, String name) {
        return PodHotplug.attach(runDir, name);
    }

    @Override
    public NetworkEndpoint attachedInterface(Path runDir, String name) {
        return PodHotplug.attached(runDir, name);
    }

    @Override
    public void detachInterface(String sandboxId, Path runDir, String name) {
        PodHotplug.detach(runDir, name);
    }

    /**
     * A stable, locally administered unicast MAC per sandbox and interface, so a restarted sandbox keeps its
     * addresses and two sandboxes on one bridge do not collide.
     */
    static String macFor(String sandboxId, int index) {
        byte[] digest = sha256(sandboxId + "/" + index);
        byte[] mac = new byte[6];
        System.arraycopy(digest, 0, mac, 0, 6);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
