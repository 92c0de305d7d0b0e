package dev.vc4j.runtime;

/** A command failed: {@code getMessage()} is what runc would print, and the process exits with 1. */
final class RuntimeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RuntimeFailure(String message) {
        super(message);
    }

    RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }

    static RuntimeFailure notFound(String id) {
        return new RuntimeFailure("container \"" + id + "\" does not exist");
    }

    static RuntimeFailure notRunning() {
        return new RuntimeFailure("container not running");
    }
}
