package dev.vc4j;

/** The guest agent could not be reached or answered an RPC with an error. */
public final class AgentException extends VcException {
    private final String rpc;

    public AgentException(String rpc, String message, Throwable cause) {
        this(ErrorCode.AGENT_FAILED, rpc, message, cause);
    }

    private AgentException(ErrorCode code, String rpc, String message, Throwable cause) {
        super(code, "agent " + rpc + ": " + message, cause);
        this.rpc = rpc;
    }

    /**
     * The connection to the agent broke or could not be made ({@link ErrorCode#AGENT_UNREACHABLE}): the VM may
     * have died, which the core then reports as a {@link HypervisorException}.
     */
    public static AgentException unreachable(String rpc, String message, Throwable cause) {
        return new AgentException(ErrorCode.AGENT_UNREACHABLE, rpc, message, cause);
    }

    /** The RPC that failed, e.g. {@code RunProcess}, or {@code connect}. */
    public String rpc() {
        return rpc;
    }
}
