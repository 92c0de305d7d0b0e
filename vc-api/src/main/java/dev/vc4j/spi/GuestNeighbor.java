package dev.vc4j.spi;

/** A permanent neighbor entry (ARP for IPv4, NDP for IPv6): {@code ip} is at {@code mac} on {@code device}. */
public record GuestNeighbor(String ip, String mac, String device) {}
