package dev.vc4j;

/** A sandbox or container id that is already taken. */
public final class AlreadyExistsException extends VcException {
    private final String kind;
    private final String id;

    public AlreadyExistsException(String kind, String id) {
        super(ErrorCode.ALREADY_EXISTS, kind + " `" + id + "` already exists", null);
        this.kind = kind;
        this.id = id;
    }

    /** What was to be created, e.g. {@code sandbox} or {@code container}. */
    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
