package dev.vc4j;

public final class NotFoundException extends VcException {
    public NotFoundException(String what, String id) {
        super(ErrorCode.NOT_FOUND, what + " `" + id + "` does not exist", null);
    }
}
