package dev.vc4j;

/** A configuration value was rejected before anything was created. */
public final class InvalidConfigException extends VcException {
    private final String field;
    private final String value;
    private final String reason;

    public InvalidConfigException(String field, Object value, String reason) {
        this(field, value, reason, null);
    }

    public InvalidConfigException(String field, Object value, String reason, Throwable cause) {
        super(ErrorCode.INVALID_CONFIG, "invalid " + field + " `" + value + "`: " + reason, cause);
        this.field = field;
        this.value = String.valueOf(value);
        this.reason = reason;
    }

    /** The config field at fault, in dotted form, e.g. {@code hypervisor.kernel}. */
    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    /** Why the value was rejected, without the field and value. */
    public String reason() {
        return reason;
    }

    /** The same error for a config nested in another one under {@code prefix}, e.g. {@code containers[1]}. */
    InvalidConfigException within(String prefix) {
        return new InvalidConfigException(prefix + "." + field, value, reason, this);
    }
}
