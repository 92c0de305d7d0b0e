package dev.vc4j;

/** A configuration value was rejected before anything was created. */
public final class InvalidConfigException extends VcException {
    private final String field;
    private final String value;

    public InvalidConfigException(String field, Object value, String reason) {
        super(ErrorCode.INVALID_CONFIG, "invalid " + field + " `" + value + "`: " + reason, null);
        this.field = field;
        this.value = String.valueOf(value);
    }

    /** The config field at fault, in dotted form, e.g. {@code hypervisor.kernel}. */
    public String field() {
        return field;
    }

    public String value() {
        return value;
    }
}
