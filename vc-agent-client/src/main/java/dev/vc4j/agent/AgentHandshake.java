package dev.vc4j.agent;

import dev.vc4j.AgentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The line exchange that opens every connection to the agent, before HTTP/2. virtio-serial has no connection
 * identity, so the agent's answer may be preceded by bytes meant for an earlier connection; only the READY line
 * carrying this connection's fresh nonce marks where this connection's stream begins. Everything before it is
 * discarded, and what follows it stays in the {@link SocketInput} for HTTP/2. vsock connections have an identity,
 * but go through the same exchange: one protocol, whatever the transport.
 */
final class AgentHandshake {
    /**
     * How long one connection waits for the READY line before it gives up, so that the next attempt sends a fresh
     * hello: one in about a thousand reconnects on virtio-serial saw no answer to its hello at all.
     */
    static final Duration ATTEMPT = Duration.ofSeconds(5);

    static final int MAX_VERSION_LENGTH = 128;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 16;

    private AgentHandshake() {}

    /** 32 lowercase hex characters. */
    static String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] hello(String nonce) {
        return ("VC4J-HELLO " + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads until this nonce's READY line and returns the agent version it names. Blocks as the socket's reads do:
     * the caller bounds it by closing the socket. {@code endpoint} names the agent in errors.
     */
    static String awaitReady(SocketInput in, String nonce, Object endpoint) throws IOException {
        byte[] marker = ("VC4J-READY " + nonce + " ").getBytes(StandardCharsets.US_ASCII);
        while (true) {
            byte[] buffer = in.buffer();
            int at = indexOf(buffer, in.start(), in.end(), marker);
            if (at < 0) {
                // keep only a tail that could still be the beginning of the marker
                in.consumeTo(Math.max(in.start(), in.end() - marker.length + 1));
            } else {
                int versionStart = at + marker.length;
                int searchable = Math.min(in.end() - versionStart, MAX_VERSION_LENGTH + 1);
                int newline = indexOf(buffer, versionStart, versionStart + searchable, new byte[] {'\n'});
                if (newline >= 0) {
                    in.consumeTo(newline + 1);
                    return new String(buffer, versionStart, newline - versionStart, StandardCharsets.UTF_8);
                }
                if (searchable > MAX_VERSION_LENGTH) {
                    throw new AgentException(
                            "handshake",
                            "the READY line from the agent at " + endpoint + " has no end within " + MAX_VERSION_LENGTH
                                    + " bytes",
                            null);
                }
                in.consumeTo(at);
            }
            if (!in.fill()) {
                throw new AgentException(
                        "handshake",
                        "the agent at " + endpoint + " closed the connection before it answered the hello",
                        null);
            }
        }
    }

    private static int indexOf(byte[] buffer, int from, int to, byte[] pattern) {
        for (int i = from; i <= to - pattern.length; i++) {
            if (buffer[i] == pattern[0] && Arrays.equals(buffer, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }
}
