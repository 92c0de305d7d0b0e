package dev.vc4j.runtime;

/** What a failure says to the engine. */
final class Errors {
    private Errors() {}

    static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
