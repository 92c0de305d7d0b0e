package dev.vc4j.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixSocketEndpointTest {
    @TempDir
    Path dir;

    /** QEMU's chardev takes one client at a time: a connect behind a full backlog must not wait forever. */
    @Test
    void aListenerThatAcceptsNothingMoreFailsTheConnectAtOnce() throws IOException {
        Path socket = dir.resolve("busy.sock");
        List<SocketChannel> waiting = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            while (true) { // fill the backlog, which never gets accepted
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                client.configureBlocking(false);
                waiting.add(client);
                try {
                    if (!client.connect(UnixDomainSocketAddress.of(socket))) {
                        break;
                    }
                } catch (IOException full) {
                    break;
                }
                assertTrue(waiting.size() < 100, "the backlog never filled");
            }
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
                    () -> new UnixSocketEndpoint(socket).connect(Duration.ofSeconds(30))));
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        } finally {
            for (SocketChannel c : waiting) {
                c.close();
            }
        }
    }
}
