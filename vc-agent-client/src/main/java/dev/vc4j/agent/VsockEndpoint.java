package dev.vc4j.agent;

/**
 * The agent's vsock listener in a VM with a vhost-vsock device. The connect does not block and has the caller's
 * deadline (the kernel's own vsock connect timeout is 2 s and not ours to rely on).
 */
record VsockEndpoint(long cid, int port) implements AgentEndpoint {

    @Override
    public AgentSocket connect(long deadlineNanos) {
        return AgentSocket.connectVsock(cid, port, deadlineNanos);
    }

    /** Creates and closes one socket: a host without AF_VSOCK fails here, with the reason. */
    @Override
    public void requireReachable() {
        AgentSocket.requireVsock(cid, port);
    }

    @Override
    public String toString() {
        return ConnectErrors.vsockAddress(cid, port);
    }
}
