package dev.vc4j.network;

import dev.vc4j.NetworkConfig;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The default {@link Network}. User mode needs nothing on the host (QEMU's slirp stack is the whole
 * network), so attach only plans the guest side, with slirp's fixed addressing.
 */
public final class HostNetwork implements Network {
    /** slirp's defaults: the guest's address, the host seen from the guest, slirp's DNS forwarder. */
    static final String USER_GUEST_ADDRESS = "10.0.2.15/24";

    static final String USER_GATEWAY = "10.0.2.2";
    static final String USER_DNS = "10.0.2.3";
    /** slirp's own MTU: a larger guest MTU would only make slirp fragment. */
    static final int USER_MTU = 1500;

    @Override
    public List<NetworkEndpoint> attach(String sandboxId, NetworkConfig config) {
        return switch (config.mode()) {
            case NONE -> List.of();
            case USER ->
                List.of(new NetworkEndpoint(
                        NetworkEndpoint.Backend.QEMU_USER,
                        "eth0",
                        macFor(sandboxId, 0),
                        USER_GUEST_ADDRESS,
                        USER_GATEWAY,
                        List.of(USER_DNS),
                        USER_MTU));
        };
    }

    /** Nothing of user mode lives on the host. */
    @Override
    public void detach(String sandboxId) {}

    /**
     * A stable, locally administered unicast MAC per sandbox and interface, so a restarted sandbox keeps its
     * addresses and two sandboxes on one bridge do not collide.
     */
    static String macFor(String sandboxId, int index) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((sandboxId + "/" + index).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] mac = new byte[6];
        System.arraycopy(digest, 0, mac, 0, 6);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }
}
