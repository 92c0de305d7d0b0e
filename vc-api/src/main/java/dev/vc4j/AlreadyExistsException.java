package dev.vc4j;

/** A sandbox or container id that is already taken. */
public final class AlreadyExistsException extends ObjectException {
    public AlreadyExistsException(String kind, String id) {
        super(ErrorCode.ALREADY_EXISTS, kind, id, "already exists");
    }
}
