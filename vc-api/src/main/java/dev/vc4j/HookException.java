package dev.vc4j;

import java.nio.file.Path;

/** A host-side hook failed: it could not be run or exited with a status other than 0. */
public final class HookException extends VcException {
    private final Path hook;

    public HookException(Path hook, String message, Throwable cause) {
        super(ErrorCode.HOOK_FAILED, "hook " + hook + ": " + message, cause);
        this.hook = hook;
    }

    public Path hook() {
        return hook;
    }
}
