package dev.vc4j;

/** A sandbox or container that does not exist (never created, or deleted meanwhile). */
public final class NotFoundException extends ObjectException {
    public NotFoundException(String kind, String id) {
        super(ErrorCode.NOT_FOUND, kind, id, "does not exist");
    }
}
