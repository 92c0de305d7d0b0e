package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.VcTimeoutException;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Waits until a template VM's agent answers the handshake on its virtio-serial port, then hangs up: the agent
 * goes back to waiting for a host, and that is the state every clone starts in, so a clone's first connection
 * is a new one for its agent. A template's agent has done nothing else: the template holds no session.
 */
final class TemplateAgentWait {
    /** How long the agent gets to see the hang-up before the VM is stopped; it polls for the host every 20 ms. */
    static final Duration SETTLE = Duration.ofMillis(300);

    private static final int MAX_ANSWER = 4096;
    private static final long POLL_MILLIS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TemplateAgentWait() {}

    static void await(Path agentSocket, Duration timeout, Runnable alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String hex = HexFormat.of().formatHex(nonce);
        try (SocketChannel channel = connect(agentSocket, deadline, timeout, alive)) {
            channel.write(ByteBuffer.wrap(("VC4J-HELLO " + hex + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            String expected = "VC4J-READY " + hex + " ";
            StringBuilder seen = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (seen.indexOf(expected) < 0) {
                alive.run();
                if (System.nanoTime() > deadline) {
                    throw new VcTimeoutException("the template VM's agent to answer", timeout, null);
                }
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    throw new HypervisorException("the template VM's agent port closed");
                }
                if (n == 0) {
                    sleep(POLL_MILLIS, "building a template");
                    continue;
                }
                seen.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
                if (seen.length() > MAX_ANSWER) { // keep the tail: the answer may span two reads
                    seen.delete(0, seen.length() - expected.length());
                }
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot reach the template VM's agent: " + e.getMessage(), e);
        }
        sleep(SETTLE.toMillis(), "building a template");
    }

    private static SocketChannel connect(Path socket, long deadline, Duration timeout, Runnable alive)
            throws IOException {
        while (true) {
            alive.run();
            try {
                return SocketChannel.open(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new VcTimeoutException("the template VM's agent socket", timeout, e);
                }
                sleep(POLL_MILLIS, "building a template");
            }
        }
    }

    /** Sleeps; an interrupt ends the template work in hand, named by {@code doing}. */
    static void sleep(long millis, String doing) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted while " + doing, e);
        }
    }
}
