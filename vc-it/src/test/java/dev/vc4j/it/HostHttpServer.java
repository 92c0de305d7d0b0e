package dev.vc4j.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on the host's 127.0.0.1 that answers every request with {@link #BODY} and counts them. */
final class HostHttpServer implements AutoCloseable {
    static final String BODY = "hello from the host\n";
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private HostHttpServer(HttpServer server) {
        this.server = server;
    }

    static HostHttpServer start() throws IOException {
        HostHttpServer host =
                new HostHttpServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        host.server.createContext("/", exchange -> {
            host.requests.incrementAndGet();
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        host.server.start();
        return host;
    }

    /** A TCP port of 127.0.0.1 that nothing listens on at the moment of the call. */
    static int freeTcpPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
