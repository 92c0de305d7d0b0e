package dev.vc4j.qemu;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.vc4j.HypervisorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whatever QEMU's side of a QMP connection sends (greeting, replies, events, garbage), then the end of the
 * stream: a command waiting meanwhile ends with its reply, a {@code QmpCommandException} or another
 * {@link HypervisorException}, and the connection is seen as lost at once. A reader that died on some input would
 * leave the command to its deadline and a dead VM unnoticed.
 */
class QmpStreamFuzzTest {
    private static Path dir;
    private static ServerSocketChannel server;

    @BeforeAll
    static void listen() throws IOException {
        dir = Files.createTempDirectory("vc4j-qmp-fuzz");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")));
    }

    @AfterAll
    static void close() throws IOException {
        server.close();
        Files.deleteIfExists(dir.resolve("qmp.sock"));
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "20s")
    void qemuSide(@NotNull byte[] stream) throws Exception {
        Path socket = dir.resolve("qmp.sock");
        SocketChannel hostEnd = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try (SocketChannel qemuEnd = server.accept();
                QmpClient qmp = new QmpClient(socket, hostEnd)) {
            qmp.onEvent("SHUTDOWN", data -> data.path("reason").asText());
            CompletableFuture<Object> command = CompletableFuture.supplyAsync(() -> {
                try {
                    return qmp.execute("query-status", null, Duration.ofSeconds(5));
                } catch (HypervisorException e) {
                    return e;
                }
            });
            ByteBuffer bytes = ByteBuffer.wrap(stream);
            while (bytes.hasRemaining()) {
                qemuEnd.write(bytes);
            }
            qemuEnd.shutdownOutput();
            try {
                command.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("a command was still waiting after the stream ended");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!qmp.isLost() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(qmp.isLost(), "the end of the stream was not seen");
        }
    }
}
