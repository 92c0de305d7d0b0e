package dev.vc4j.network;

import dev.vc4j.InvalidConfigException;
import dev.vc4j.PortForward;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Checks the host side of port forwards before anything starts: the forwarder would otherwise start without a
 * port it cannot bind, and the guest's service would silently be out of reach.
 */
final class HostPorts {
    private HostPorts() {}

    static void requireFree(List<PortForward> forwards) {
        for (int i = 0; i < forwards.size(); i++) {
            PortForward forward = forwards.get(i);
            try {
                bindAndRelease(forward);
            } catch (IOException e) {
                throw new InvalidConfigException(
                        "network.portForwards[" + i + "].hostPort",
                        forward.hostPort(),
                        "cannot be bound for " + forward.protocol() + " on " + forward.hostAddress()
                                + " (already in use, or not an address of this host): " + e.getMessage(),
                        e);
            }
        }
    }

    private static void bindAndRelease(PortForward forward) throws IOException {
        InetSocketAddress address =
                new InetSocketAddress(InetAddress.getByName(forward.hostAddress()), forward.hostPort());
        if (forward.protocol() == PortForward.Protocol.TCP) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(address);
            }
        } else {
            try (DatagramSocket socket = new DatagramSocket(address)) {
                // bound: the port is free
            }
        }
    }
}
