package dev.vc4j.it.engines;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The host's side of an engine's container network: links and qdiscs of a namespace, HTTP both ways. */
final class EngineNetwork {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private EngineNetwork() {}

    /** {@code ip -o link show} in the namespace at {@code namespace}, or in the host's when it is null. */
    static String links(Path namespace) throws IOException, InterruptedException {
        return inNamespace(namespace, "ip", "-o", "link", "show");
    }

    /** {@code tc qdisc show} in the namespace at {@code namespace}. */
    static String ingressQdiscs(Path namespace) throws IOException, InterruptedException {
        return inNamespace(namespace, "tc", "qdisc", "show");
    }

    private static String inNamespace(Path namespace, String... argv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of("nsenter", "--net=" + namespace, "--"));
        }
        command.addAll(List.of(argv));
        Command result = Command.run(Map.of(), "", DEADLINE, command);
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout();
    }

    /** An HTTP server on {@code address} of the host that answers {@code body}. */
    record Server(HttpServer server) implements AutoCloseable {
        /** ADDRESS:PORT. */
        String address() {
            return server.getAddress().getAddress().getHostAddress() + ":"
                    + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static Server serve(String address, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return new Server(server);
    }

    /** The body at {@code url}, asked again until a server answers there or the deadline passes. */
    static String fetch(String url) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).build();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), url + " answered " + response.body());
                return response.body();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing answered at " + url + " within " + DEADLINE, e);
                }
                Thread.sleep(200);
            }
        }
    }
}
