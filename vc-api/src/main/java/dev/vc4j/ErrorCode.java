package dev.vc4j;

/** A stable, machine-readable code for every {@link VcException}; the names never change between releases. */
public enum ErrorCode {
    INVALID_CONFIG,
    NOT_FOUND,
    ALREADY_EXISTS,
    ILLEGAL_STATE,
    TIMEOUT,
    HYPERVISOR_FAILED,
    AGENT_FAILED,
    /** The connection to the guest agent was lost or could not be made; the agent did not refuse anything. */
    AGENT_UNREACHABLE,
    STORAGE_FAILED,
    HOOK_FAILED
}
