package dev.vc4j;

/** A sandbox or container that does not exist (never created, or deleted meanwhile). */
public final class NotFoundException extends VcException {
    private final String kind;
    private final String id;

    public NotFoundException(String kind, String id) {
        super(ErrorCode.NOT_FOUND, kind + " `" + id + "` does not exist", null);
        this.kind = kind;
        this.id = id;
    }

    /** What was looked for, e.g. {@code sandbox} or {@code container}. */
    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
