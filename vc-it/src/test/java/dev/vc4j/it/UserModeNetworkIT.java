package dev.vc4j.it;

import com.sun.net.httpserver.HttpServer;
import dev.vc4j.ExecResult;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sandbox with user-mode networking reaches a server on the host's loopback through the gateway. */
class UserModeNetworkIT {

    @Test
    void guestGetsItsAddressAndFetchesFromTheHost() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        VirtContainers vc = TestStore.virtContainers();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(TestStore.uniqueId("net"))
                .network(NetworkConfig.userMode()).build());
        try {
            String addresses = sandbox.exec("ip", "-4", "addr", "show").stdoutText();
            assertTrue(addresses.contains("inet 10.0.2.15/24"), addresses);
            assertEquals("nameserver 10.0.2.3\n", sandbox.exec("cat", "/etc/resolv.conf").stdoutText());

            ExecResult fetched = sandbox.exec("wget", "-q", "-O", "-",
                    "http://10.0.2.2:" + server.getAddress().getPort() + "/");
            assertEquals(0, fetched.exitCode(), fetched.stderrText());
            assertEquals("hello from the host\n", fetched.stdoutText());
        } finally {
            server.stop(0);
            sandbox.delete();
        }
    }
}
