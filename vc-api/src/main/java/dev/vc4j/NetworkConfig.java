package dev.vc4j;

/**
 * How the sandbox's VM reaches the network. {@link Mode#NONE} gives the guest no network device at all;
 * {@link Mode#USER} gives it one NIC behind QEMU's user-mode network stack (NAT, no privileges, no host
 * interfaces): the guest reaches the outside and the host's loopback through the gateway 10.0.2.2.
 */
public record NetworkConfig(Mode mode) {
    public enum Mode {
        NONE,
        USER
    }

    public NetworkConfig {
        if (mode == null) {
            throw new InvalidConfigException("network.mode", null, "is required (NONE or USER)");
        }
    }

    public static NetworkConfig none() {
        return new NetworkConfig(Mode.NONE);
    }

    public static NetworkConfig userMode() {
        return new NetworkConfig(Mode.USER);
    }
}
