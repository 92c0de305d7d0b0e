package dev.vc4j;

public final class AlreadyExistsException extends VcException {
    public AlreadyExistsException(String what, String id) {
        super(ErrorCode.ALREADY_EXISTS, what + " `" + id + "` already exists", null);
    }
}
