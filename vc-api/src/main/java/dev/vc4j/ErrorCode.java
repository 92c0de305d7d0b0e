package dev.vc4j;

/** A stable, machine-readable code for every {@link VcException}; the names never change between releases. */
public enum ErrorCode {
    INVALID_CONFIG,
    NOT_FOUND,
    ALREADY_EXISTS,
    ILLEGAL_STATE,
    TIMEOUT,
    HYPERVISOR_FAILED,
    /** The host side of the sandbox's network could not be made or taken back. */
    NETWORK_FAILED,
    /** The agent refused a call, or failed in a way other than {@link #AGENT_UNREACHABLE}. */
    AGENT_FAILED,
    /** The call failed because the connection to the agent is gone (closed or broken): no answer came. */
    AGENT_UNREACHABLE,
    STORAGE_FAILED,
    HOOK_FAILED
}
