package dev.vc4j.agent;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.google.rpc.Code;
import dev.vc4j.VcException;
import dev.vc4j.spi.GuestText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed call as a guest that owns its kernel may answer it: any status code, any description, any bytes in
 * the grpc-status-details-bin trailer. The host turns it into one of vc4j's typed exceptions whose message is
 * bounded and carries no control character, whatever the guest sent.
 */
class AgentErrorsFuzzTest {
    /** The rpc name and a few fixed words around at most three bounded guest strings. */
    private static final int MESSAGE_MAX = 3 * GuestText.TEXT_MAX + 3 * GuestText.NAME_MAX + 200;

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({
        "type.googleapis.com/vc4j.agent.v1.AgentError",
        "type.googleapis.com/google.rpc.BadRequest",
        "type.googleapis.com/google.rpc.ResourceInfo"
    })
    void failedCall(@NotNull byte[] input) {
        // a status code, a description's length, the description (UTF-8), the trailer
        ByteBuffer in = ByteBuffer.wrap(input);
        int code = in.hasRemaining() ? Byte.toUnsignedInt(in.get()) % 17 : 0;
        int length = in.remaining() >= 2 ? Math.min(Short.toUnsignedInt(in.getShort()), in.remaining()) : 0;
        byte[] description = new byte[length];
        in.get(description);
        byte[] details = new byte[in.remaining()];
        in.get(details);
        GrpcFailure failure = new GrpcFailure(
                Code.forNumber(code),
                new String(description, StandardCharsets.UTF_8),
                details.length > 0 ? details : null,
                null);
        RuntimeException e = AgentCalls.translate("Check", Duration.ofSeconds(1), failure);

        assertTrue(e instanceof VcException, () -> "not typed: " + e);
        String message = e.getMessage();
        assertTrue(message.length() <= MESSAGE_MAX, () -> "a " + message.length() + "-character message");
        assertFalse(
                message.chars().anyMatch(c -> Character.isISOControl(c)), () -> "a control character in " + message);
    }
}
