package dev.vc4j;

/** The guest agent could not be reached or answered an RPC with an error. */
public final class AgentException extends VcException {
    private final String rpc;

    public AgentException(String rpc, String message, Throwable cause) {
        super(ErrorCode.AGENT_FAILED, "agent " + rpc + ": " + message, cause);
        this.rpc = rpc;
    }

    /** The RPC that failed, e.g. {@code RunProcess}, or {@code connect}. */
    public String rpc() {
        return rpc;
    }
}
