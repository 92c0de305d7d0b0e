package dev.vc4j;

/**
 * A network interface added to a running sandbox in netns mode ({@link Sandbox#addInterface}): the link
 * {@code name} in the sandbox's network namespace (a veth a CNI plugin put there, say), the name the guest's
 * kernel gave the NIC that became its end, and what that NIC took from the link: its MAC, MTU, IPv4 address
 * ({@code address/prefix}, empty when it has none) and the default gateway routed through it (empty when none is).
 */
public record SandboxInterface(String name, String guestName, String mac, int mtu, String ipv4, String gateway) {}
