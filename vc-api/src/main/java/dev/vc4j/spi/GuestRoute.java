package dev.vc4j.spi;

/**
 * A route in the guest's main table, IPv4 or IPv6, as the agent lists it and as {@link AgentSession#updateRoutes}
 * takes it. {@code destination} is {@code address/prefix-length} ({@code 0.0.0.0/0} or {@code ::/0} is the
 * default route; {@code ""} or {@code "default"} mean the same when sent); an empty {@code gateway} means directly
 * connected, an empty {@code device} the one the gateway is reached through, an empty {@code source} no preferred
 * source address; a {@code metric} of 0 the kernel's default.
 */
public record GuestRoute(String destination, String gateway, String device, String source, Scope scope, int metric) {
    /** How far the destination is: a route without a gateway sent as {@code UNIVERSE} is put on the link. */
    public enum Scope {
        UNIVERSE,
        LINK,
        HOST
    }

    public GuestRoute {
        destination = destination == null ? "" : destination;
        gateway = gateway == null ? "" : gateway;
        device = device == null ? "" : device;
        source = source == null ? "" : source;
        scope = scope == null ? Scope.UNIVERSE : scope;
    }

    /** The default route through {@code gateway}. */
    public static GuestRoute defaultVia(String gateway) {
        return new GuestRoute("", gateway, "", "", Scope.UNIVERSE, 0);
    }

    /** {@code destination} through {@code gateway} on {@code device}. */
    public static GuestRoute via(String destination, String gateway, String device) {
        return new GuestRoute(destination, gateway, device, "", Scope.UNIVERSE, 0);
    }

    /** {@code destination} directly connected to {@code device}. */
    public static GuestRoute onLink(String destination, String device) {
        return new GuestRoute(destination, "", device, "", Scope.LINK, 0);
    }
}
