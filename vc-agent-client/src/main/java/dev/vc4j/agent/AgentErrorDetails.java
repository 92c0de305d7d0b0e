package dev.vc4j.agent;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ResourceInfo;
import dev.vc4j.agent.proto.AgentError;
import dev.vc4j.spi.GuestText;

import java.util.Optional;

/**
 * What the agent said about a call it failed, from the google.rpc.Status in the call's grpc-status-details-bin
 * trailer: its {@link AgentError} and, when it names one, the rejected field or the missing or existing resource.
 * The strings are the guest's, unbounded: {@link GuestText} makes them fit for an exception.
 */
record AgentErrorDetails(AgentError error, Optional<BadRequest.FieldViolation> field, Optional<ResourceInfo> resource) {

    /** The details of a failed call; empty when it carries none that parse (a lost connection carries none). */
    static Optional<AgentErrorDetails> of(Throwable failure) {
        // bytes that do not parse, or a code other than grpc-status', are no details
        com.google.rpc.Status status =
                failure instanceof GrpcFailure g ? g.details().orElse(null) : null;
        if (status == null) {
            return Optional.empty();
        }
        try {
            AgentError error = null;
            BadRequest.FieldViolation field = null;
            ResourceInfo resource = null;
            for (Any detail : status.getDetailsList()) {
                if (detail.is(AgentError.class)) {
                    error = detail.unpack(AgentError.class);
                } else if (detail.is(BadRequest.class)) {
                    BadRequest bad = detail.unpack(BadRequest.class);
                    field = bad.getFieldViolationsCount() > 0 ? bad.getFieldViolations(0) : null;
                } else if (detail.is(ResourceInfo.class)) {
                    resource = detail.unpack(ResourceInfo.class);
                }
            }
            return error == null
                    ? Optional.empty()
                    : Optional.of(
                            new AgentErrorDetails(error, Optional.ofNullable(field), Optional.ofNullable(resource)));
        } catch (InvalidProtocolBufferException malformed) {
            return Optional.empty();
        }
    }
}
