package dev.vc4j.spi;

/** An IPv4 route in the guest; an empty gateway means directly connected. */
public record GuestRoute(String destination, String gateway, String device, int metric) {
}
