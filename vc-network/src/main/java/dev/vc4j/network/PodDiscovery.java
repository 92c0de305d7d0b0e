package dev.vc4j.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NetworkException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a namespace's Ethernet links, their IPv4 addresses and default routes from {@code ip -json}. What iproute2
 * prints comes from the namespace's owner: names, MACs and addresses are checked before they reach QEMU's argv or
 * the guest.
 */
final class PodDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private PodDiscovery() {}

    /** The namespace's usable interfaces: Ethernet links other than taps, in the kernel's order. */
    static List<PodInterface> discover(Nsenter ns, Path namespace) {
        return fromJson(
                ns.run("ip", "-json", "-details", "address", "show"),
                ns.run("ip", "-json", "-4", "route", "show", "default"),
                namespace);
    }

    /** The namespace's Ethernet links other than taps, as they are: none, or two with one MAC, included. */
    static List<PodInterface> links(Nsenter ns) {
        return linksFromJson(
                ns.run("ip", "-json", "-details", "address", "show"),
                ns.run("ip", "-json", "-4", "route", "show", "default"));
    }

    /** {@code linksJson}: {@code ip -json -details address show}; {@code routesJson}: its default routes. */
    static List<PodInterface> fromJson(String linksJson, String routesJson, Path namespace) {
        List<PodInterface> found = linksFromJson(linksJson, routesJson);
        Set<String> macs = new HashSet<>();
        for (PodInterface itf : found) {
            if (!macs.add(itf.mac())) {
                throw new InvalidConfigException(
                        "network.namespace", namespace, "has two interfaces with the MAC " + itf.mac());
            }
        }
        if (found.isEmpty()) {
            throw new InvalidConfigException(
                    "network.namespace", namespace, "has no usable interface (a veth or other Ethernet link)");
        }
        return found;
    }

    private static List<PodInterface> linksFromJson(String linksJson, String routesJson) {
        JsonNode links = parse(linksJson);
        JsonNode routes = parse(routesJson);
        List<PodInterface> found = new ArrayList<>();
        for (JsonNode link : links) {
            if (!"ether".equals(link.path("link_type").asText())
                    || "tun".equals(link.path("linkinfo").path("info_kind").asText())) {
                continue;
            }
            String name = checked(link.path("ifname").asText(), NAME, "interface name");
            String mac = checked(link.path("address").asText(), MAC, "MAC of " + name);
            List<String> ipv4 = new ArrayList<>();
            for (JsonNode address : link.path("addr_info")) {
                if ("inet".equals(address.path("family").asText())) {
                    ipv4.add(checked(address.path("local").asText(), IPV4, "address of " + name) + "/"
                            + address.path("prefixlen").asInt());
                }
            }
            found.add(new PodInterface(name, mac, link.path("mtu").asInt(0), ipv4, gateway(routes, name)));
        }
        return found;
    }

    private static String gateway(JsonNode routes, String dev) {
        for (JsonNode route : routes) {
            if (dev.equals(route.path("dev").asText()) && route.has("gateway")) {
                return checked(route.path("gateway").asText(), IPV4, "gateway of " + dev);
            }
        }
        return "";
    }

    private static String checked(String value, Pattern pattern, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new NetworkException("ip printed an unexpected " + what + ": `"
                    + (value.length() > 64 ? value.substring(0, 64) : value) + "`");
        }
        return value;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json.isBlank() ? "[]" : json);
        } catch (JsonProcessingException e) {
            throw new NetworkException("ip printed JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
