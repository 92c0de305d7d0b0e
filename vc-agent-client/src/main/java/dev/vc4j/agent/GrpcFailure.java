package dev.vc4j.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;

import java.util.Optional;

/**
 * A gRPC call that did not succeed: the status the agent sent (or the one this client concluded, for a lost
 * connection or a deadline), its description, and the raw google.rpc.Status from the grpc-status-details-bin
 * trailer when there was one. Nothing here is bounded or trusted yet: {@link AgentCalls#translate} does that.
 */
final class GrpcFailure extends Exception {
    private final Code code;
    private final String description;
    private final byte[] details;

    GrpcFailure(Code code, String description, byte[] details, Throwable cause) {
        super(code + (description == null || description.isEmpty() ? "" : ": " + description), cause);
        this.code = code;
        this.description = description == null ? "" : description;
        this.details = details;
    }

    GrpcFailure(Code code, String description, Throwable cause) {
        this(code, description, null, cause);
    }

    Code code() {
        return code;
    }

    String description() {
        return description;
    }

    /**
     * The google.rpc.Status of the details trailer, when it parses and carries this failure's own code (a Status
     * that says otherwise is not about this failure).
     */
    Optional<com.google.rpc.Status> details() {
        if (details == null) {
            return Optional.empty();
        }
        try {
            com.google.rpc.Status status = com.google.rpc.Status.parseFrom(details);
            return status.getCode() == code.getNumber() ? Optional.of(status) : Optional.empty();
        } catch (InvalidProtocolBufferException malformed) {
            return Optional.empty();
        }
    }
}
