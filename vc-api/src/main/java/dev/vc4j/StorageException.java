package dev.vc4j;

import java.nio.file.Path;

/** Reading, writing or locking a file of the store failed; names the file. */
public final class StorageException extends VcException {
    private final Path path;

    public StorageException(String message, Path path, Throwable cause) {
        super(ErrorCode.STORAGE_FAILED, message + " `" + path + "`" + detail(cause), cause);
        this.path = path;
    }

    private static String detail(Throwable cause) {
        return cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
    }

    public Path path() {
        return path;
    }
}
