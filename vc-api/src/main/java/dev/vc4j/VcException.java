package dev.vc4j;

/** Root of every error vc4j raises. Unchecked: callers catch what they can act on. */
public abstract class VcException extends RuntimeException {
    private final ErrorCode code;

    protected VcException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
