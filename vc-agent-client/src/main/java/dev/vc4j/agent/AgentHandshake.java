package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The line exchange that opens every connection to the agent, before HTTP/2. virtio-serial has no connection
 * identity, so the agent's answer may be preceded by bytes meant for an earlier connection; only the READY
 * line carrying this connection's fresh nonce marks where this connection's stream begins. vsock connections
 * have an identity, but go through the same exchange: one protocol, whatever the transport.
 */
final class AgentHandshake {
    /** What the agent said, and the bytes it sent after its READY line: the start of its HTTP/2 stream. */
    record Ready(String agentVersion, byte[] leftover) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 16;
    private static final int MAX_VERSION_LENGTH = 128;
    private static final int READ_CHUNK = 8192;

    private AgentHandshake() {
    }

    /** 32 lowercase hex characters. */
    static String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Sends the hello on {@code stream} and reads until the READY line with {@code nonce}. Nothing past the
     * READY line is consumed except what {@link Ready#leftover()} hands back. {@code socket} names the
     * agent in messages.
     */
    static Ready perform(AgentStream stream, String nonce, Duration timeout, AgentEndpoint socket) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer hello = ByteBuffer.wrap(("VC4J-HELLO " + nonce + "\n").getBytes(StandardCharsets.US_ASCII));
        while (hello.hasRemaining()) {
            stream.write(hello);
        }
        return awaitReady(stream, nonce, deadline, timeout, socket);
    }

    private static Ready awaitReady(AgentStream stream, String nonce, long deadline, Duration timeout, AgentEndpoint socket)
            throws IOException {
        byte[] marker = ("VC4J-READY " + nonce + " ").getBytes(StandardCharsets.US_ASCII);
        ReceivedBytes received = new ReceivedBytes();
        ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new VcTimeoutException("handshake with the agent at " + socket, timeout, null);
            }
            chunk.clear();
            int n = stream.read(chunk, Duration.ofNanos(left));
            if (n < 0) {
                throw new AgentException("handshake",
                        "the agent at " + socket + " closed the connection before it answered the hello", null);
            }
            received.append(chunk.array(), n);
            Ready ready = received.findReady(marker, socket);
            if (ready != null) {
                return ready;
            }
        }
    }

    /** The bytes read so far, trimmed so that stale traffic before the marker cannot grow it without bound. */
    private static final class ReceivedBytes {
        private byte[] bytes = new byte[READ_CHUNK];
        private int length;

        void append(byte[] src, int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            System.arraycopy(src, 0, bytes, length, n);
            length += n;
        }

        Ready findReady(byte[] marker, AgentEndpoint socket) {
            int start = indexOf(marker);
            if (start < 0) {
                // Keep only a tail that could still be the beginning of the marker.
                discardBefore(Math.max(0, length - marker.length + 1));
                return null;
            }
            discardBefore(start);
            int versionStart = marker.length;
            for (int i = versionStart; i < length; i++) {
                if (bytes[i] == '\n') {
                    String version = new String(bytes, versionStart, i - versionStart, StandardCharsets.UTF_8);
                    return new Ready(version, Arrays.copyOfRange(bytes, i + 1, length));
                }
            }
            if (length - versionStart > MAX_VERSION_LENGTH) {
                throw new AgentException("handshake", "the READY line from the agent at " + socket
                        + " has no end within " + MAX_VERSION_LENGTH + " bytes", null);
            }
            return null;
        }

        private int indexOf(byte[] marker) {
            outer:
            for (int i = 0; i + marker.length <= length; i++) {
                for (int j = 0; j < marker.length; j++) {
                    if (bytes[i + j] != marker[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private void discardBefore(int offset) {
            System.arraycopy(bytes, offset, bytes, 0, length - offset);
            length -= offset;
        }
    }
}
