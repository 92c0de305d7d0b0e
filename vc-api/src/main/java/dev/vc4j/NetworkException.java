package dev.vc4j;

/** The host side of a sandbox's network (its user-mode stack, namespace, taps or filters) failed. */
public class NetworkException extends VcException {
    public NetworkException(String message) {
        this(message, null);
    }

    public NetworkException(String message, Throwable cause) {
        super(ErrorCode.NETWORK_FAILED, message, cause);
    }
}
