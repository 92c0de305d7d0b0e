package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.NetworkConfig;
import dev.vc4j.PortForward;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDP port forward in user mode: datagrams sent to the host's 127.0.0.1 reach a server in a container of the
 * guest, and with the host's loopback mapped its replies come back to the sender. The server is a small static C program built by the test
 * (busybox's nc has no UDP), as the guest image has no UDP server.
 */
class UdpForwardIT {
    private static final int GUEST_PORT = 5353;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void withTheHostsLoopbackMappedDatagramsReachTheGuestAndTheRepliesComeBack() throws Exception {
        withEchoServer(NetworkConfig.userMode().allowHostLoopback(), (socket, out) -> {
            // UDP may lose a datagram on the way: the first one is sent until one comes back
            assertEquals("echo: first", firstReply(socket, "first"));
            for (int i = 0; i < 5; i++) {
                assertEquals("echo: datagram " + i, roundTrip(socket, "datagram " + i));
            }
            byte[] payload = new byte[1400];
            new Random(42).nextBytes(payload);
            socket.send(new DatagramPacket(payload, payload.length));
            byte[] reply = receive(socket);
            assertArrayEquals(payload, Arrays.copyOfRange(reply, "echo: ".length(), reply.length));
        });
    }

    /**
     * The default keeps the host's loopback out of the guest's reach, and with it the replies: passt (Debian 12's)
     * gives a datagram from the host's loopback the gateway as source and maps the guest's replies to the gateway
     * back to the host's loopback only when the gateway is mapped. What the test checks is what arrives.
     */
    @Test
    void withoutItDatagramsReachTheGuest() throws Exception {
        withEchoServer(NetworkConfig.userMode(), (socket, out) -> {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> firstLine(out));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!line.isDone()) {
                assertTrue(System.nanoTime() < deadline, "nothing arrived within " + WAIT.toSeconds() + " s");
                socket.send(datagram("one way"));
                Thread.sleep(1000);
            }
            assertEquals("got 7 bytes", line.get());
        });
    }

    private interface Exchange {
        void run(DatagramSocket socket, InputStream serverOutput) throws Exception;
    }

    /**
     * Runs {@code exchange} with a socket connected to the host's side of a UDP forward to a udp-echo server in a
     * container of a sandbox with {@code network}.
     */
    private void withEchoServer(NetworkConfig network, Exchange exchange) throws Exception {
        int hostPort = freeUdpPort();
        Path rootfs = HostRootfs.make(dir.resolve("rootfs"));
        Sandbox sandbox = null;
        try {
            buildEchoServer(rootfs.resolve("bin/udp-echo"));
            sandbox = TestStore.virtContainers()
                    .createSandbox(SandboxConfig.builder()
                            .id(TestStore.uniqueId("udp"))
                            .network(network.withPortForward(PortForward.udp(hostPort, GUEST_PORT)))
                            .build());
            sandbox.start();
            Container echo = sandbox.createContainer(ContainerConfig.builder()
                    .id("udp-echo")
                    .rootfs(Rootfs.directory(rootfs))
                    .cmd(Cmd.builder()
                            .args("/bin/udp-echo", Integer.toString(GUEST_PORT))
                            .build())
                    .build());
            try (ContainerProcess p = echo.process();
                    DatagramSocket socket =
                            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                echo.start();
                InputStream out = p.stdout();
                assertEquals("listening", firstLine(out));
                socket.connect(InetAddress.getLoopbackAddress(), hostPort);
                exchange.run(socket, out);
            }
        } finally {
            if (sandbox != null) {
                sandbox.stop(StopMode.IMMEDIATE);
            }
            HostRootfs.removeAfter(sandbox, rootfs);
        }
    }

    /** The next line of {@code in}, read byte by byte so that nothing after it is consumed. */
    private static String firstLine(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new AssertionError("the server's output ended after `" + line + "`");
                }
                line.append((char) c);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return line.toString();
    }

    private static String firstReply(DatagramSocket socket, String text) throws Exception {
        socket.setSoTimeout(2000);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            socket.send(datagram(text));
            try {
                return new String(receive(socket), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                assertTrue(System.nanoTime() < deadline, "no reply within " + WAIT.toSeconds() + " s");
            }
        }
    }

    private static String roundTrip(DatagramSocket socket, String text) throws Exception {
        socket.setSoTimeout(10_000);
        socket.send(datagram(text));
        return new String(receive(socket), StandardCharsets.UTF_8);
    }

    private static DatagramPacket datagram(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length);
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return probe.getLocalPort();
        }
    }

    /** Compiles the test's udp-echo.c, statically linked, to {@code binary}. */
    private void buildEchoServer(Path binary) throws Exception {
        Path source = dir.resolve("udp-echo.c");
        try (InputStream in = UdpForwardIT.class.getResourceAsStream("/udp-echo/udp-echo.c")) {
            Files.write(source, in.readAllBytes());
        }
        Process gcc = new ProcessBuilder("gcc", "-static", "-Os", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS), "gcc did not end");
        assertEquals(0, gcc.exitValue(), output);
    }
}
