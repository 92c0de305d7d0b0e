package dev.vc4j;

import java.time.Duration;

/** An external call (QMP, agent RPC, process wait) did not finish within its deadline. */
public final class VcTimeoutException extends VcException {
    private final String operation;
    private final Duration deadline;

    public VcTimeoutException(String operation, Duration deadline, Throwable cause) {
        super(ErrorCode.TIMEOUT, operation + " did not finish within " + deadline.toMillis() + " ms", cause);
        this.operation = operation;
        this.deadline = deadline;
    }

    public String operation() {
        return operation;
    }

    public Duration deadline() {
        return deadline;
    }
}
