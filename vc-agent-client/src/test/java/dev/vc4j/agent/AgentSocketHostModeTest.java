package dev.vc4j.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's socket against the real agent in host mode: the hello that opens every connection, and its answer. */
class AgentSocketHostModeTest extends HostModeFixture {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theAgentAnswersTheHelloOnTheSocket() throws Exception {
        for (int connection = 0; connection < 3; connection++) {
            String nonce = AgentHandshake.newNonce();
            try (AgentSocket socket =
                    new UnixSocketEndpoint(agent.socket()).connect(System.nanoTime() + CONNECT_TIMEOUT.toNanos())) {
                byte[] hello = ("VC4J-HELLO " + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
                socket.write(hello, 0, hello.length, System.nanoTime() + SECOND);
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                byte[] buffer = new byte[256];
                while (!answer.toString(StandardCharsets.US_ASCII).contains("\n") && answer.size() < 4096) {
                    int n = socket.read(buffer, 0, buffer.length);
                    assertTrue(n > 0, "the agent ended the connection after: " + answer);
                    answer.write(buffer, 0, n);
                }
                String text = answer.toString(StandardCharsets.US_ASCII);
                assertTrue(text.matches("VC4J-READY " + nonce + " \\S+\n(?s).*"), text);
            }
        }
    }
}
