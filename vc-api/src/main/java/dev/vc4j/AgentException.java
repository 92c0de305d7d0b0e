package dev.vc4j;

/**
 * The guest agent refused an RPC or could not be talked to ({@link ErrorCode#AGENT_FAILED}), or the connection to it
 * is gone ({@link ErrorCode#AGENT_UNREACHABLE}: no answer came, the agent did not refuse anything).
 */
public final class AgentException extends VcException {
    private final String rpc;

    public AgentException(String rpc, String message, Throwable cause) {
        this(ErrorCode.AGENT_FAILED, rpc, message, cause);
    }

    private AgentException(ErrorCode code, String rpc, String message, Throwable cause) {
        super(code, "agent " + rpc + ": " + message, cause);
        this.rpc = rpc;
    }

    /** The call failed because the connection to the agent is gone, not because the agent refused it. */
    public static AgentException unreachable(String rpc, String message, Throwable cause) {
        return new AgentException(ErrorCode.AGENT_UNREACHABLE, rpc, message, cause);
    }

    /** The RPC that failed, e.g. {@code RunProcess}, or {@code connect}. */
    public String rpc() {
        return rpc;
    }
}
