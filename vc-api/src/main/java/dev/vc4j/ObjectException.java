package dev.vc4j;

/** An error about one sandbox or container, named by its kind and id. */
public abstract class ObjectException extends VcException {
    private final String kind;
    private final String id;

    protected ObjectException(ErrorCode code, String kind, String id, String problem) {
        super(code, kind + " `" + id + "` " + problem, null);
        this.kind = kind;
        this.id = id;
    }

    /** {@code sandbox} or {@code container}. */
    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
