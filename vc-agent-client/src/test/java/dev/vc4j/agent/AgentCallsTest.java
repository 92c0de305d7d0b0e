package dev.vc4j.agent;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ResourceInfo;
import dev.vc4j.AgentException;
import dev.vc4j.ErrorCode;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.proto.AgentError;
import dev.vc4j.spi.GuestText;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the host makes of failures the real agent does not send: lost connections, and details a guest could forge
 * (mismatched, oversized). The agent's own errors are tested against it in {@link HostModeErrorsTest}.
 */
class AgentCallsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    private static RuntimeException translate(GrpcFailure e) {
        return AgentCalls.translate("Test", DEADLINE, e);
    }

    /** A failure as the agent sends one: the status, its message, and the same in the details trailer. */
    private static GrpcFailure withDetails(Code code, String message, com.google.protobuf.Message... details) {
        com.google.rpc.Status.Builder status =
                com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
        for (com.google.protobuf.Message detail : details) {
            status.addDetails(Any.pack(detail));
        }
        return new GrpcFailure(code, message, status.build().toByteArray(), null);
    }

    @Test
    void aLostConnectionIsUnreachable() {
        for (GrpcFailure failure : new GrpcFailure[] {
            new GrpcFailure(Code.UNAVAILABLE, "the connection to the agent at x ended", null),
            new GrpcFailure(Code.CANCELLED, null, null)
        }) {
            AgentException e = assertInstanceOf(AgentException.class, translate(failure));
            assertEquals(ErrorCode.AGENT_UNREACHABLE, e.code());
            assertEquals("Test", e.rpc());
        }
    }

    @Test
    void anUnavailableThatTheAgentSentIsItsRefusal() {
        AgentException e = assertInstanceOf(
                AgentException.class,
                translate(withDetails(
                        Code.UNAVAILABLE,
                        "busy",
                        AgentError.newBuilder()
                                .setKind(AgentError.Kind.AGENT_FAILURE)
                                .build())));
        assertEquals(ErrorCode.AGENT_FAILED, e.code());
        assertEquals("agent Test: AGENT_FAILURE: busy", e.getMessage());
    }

    @Test
    void aDeadlineIsATimeout() {
        VcTimeoutException e = assertInstanceOf(
                VcTimeoutException.class, translate(new GrpcFailure(Code.DEADLINE_EXCEEDED, "no answer", null)));
        assertEquals(DEADLINE, e.deadline());
    }

    @Test
    void detailsWhoseCodeIsNotTheStatusAreIgnored() {
        byte[] details = com.google.rpc.Status.newBuilder()
                .setCode(Code.NOT_FOUND.getNumber())
                .addDetails(Any.pack(AgentError.newBuilder()
                        .setKind(AgentError.Kind.NOT_FOUND)
                        .build()))
                .addDetails(Any.pack(ResourceInfo.newBuilder()
                        .setResourceType("container")
                        .setResourceName("c1")
                        .build()))
                .build()
                .toByteArray();
        AgentException e = assertInstanceOf(
                AgentException.class, translate(new GrpcFailure(Code.INVALID_ARGUMENT, "x", details, null)));
        assertEquals(ErrorCode.AGENT_FAILED, e.code());
    }

    @Test
    void detailsThatDoNotParseAreIgnored() {
        AgentException e = assertInstanceOf(
                AgentException.class,
                translate(new GrpcFailure(Code.NOT_FOUND, "x", new byte[] {(byte) 0xff, 0x01, 0x02}, null)));
        assertEquals(ErrorCode.AGENT_FAILED, e.code());
    }

    /** Cut where the next escape would pass max. */
    private static void assertCut(String text, int max) {
        assertTrue(text.endsWith(GuestText.CUT), text);
        int kept = text.length() - GuestText.CUT.length();
        assertTrue(kept <= max && kept > max - "\\x1b[2J".length(), "kept " + kept + " of " + max);
    }

    @Test
    void oversizedNamesAndValuesAreBoundedAndEscaped() {
        String huge = "\u001b[2J".repeat(100_000);
        InvalidConfigException field = assertInstanceOf(
                InvalidConfigException.class,
                translate(withDetails(
                        Code.INVALID_ARGUMENT,
                        huge,
                        AgentError.newBuilder()
                                .setKind(AgentError.Kind.INVALID_FIELD)
                                .setValue(huge)
                                .build(),
                        BadRequest.newBuilder()
                                .addFieldViolations(BadRequest.FieldViolation.newBuilder()
                                        .setField(huge)
                                        .setDescription(huge))
                                .build())));
        assertCut(field.field(), GuestText.NAME_MAX);
        assertCut(field.value(), GuestText.TEXT_MAX);
        assertTrue(field.value().startsWith("\\x1b[2J\\x1b[2J"), field.value());
        assertTrue(
                field.getMessage().length() < 3 * GuestText.TEXT_MAX,
                "message of " + field.getMessage().length());

        NotFoundException missing = assertInstanceOf(
                NotFoundException.class,
                translate(withDetails(
                        Code.NOT_FOUND,
                        huge,
                        AgentError.newBuilder()
                                .setKind(AgentError.Kind.NOT_FOUND)
                                .build(),
                        ResourceInfo.newBuilder()
                                .setResourceType(huge)
                                .setResourceName(huge)
                                .build())));
        assertCut(missing.kind(), GuestText.NAME_MAX);
        assertCut(missing.id(), GuestText.NAME_MAX);

        AgentException other = assertInstanceOf(
                AgentException.class,
                translate(withDetails(
                        Code.INTERNAL,
                        huge,
                        AgentError.newBuilder()
                                .setKind(AgentError.Kind.AGENT_FAILURE)
                                .build())));
        assertTrue(
                other.getMessage().length() < GuestText.TEXT_MAX + 100,
                "message of " + other.getMessage().length());
        assertFalse(other.getMessage().contains("\u001b"), other.getMessage());
    }
}
