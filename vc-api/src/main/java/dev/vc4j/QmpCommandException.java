package dev.vc4j;

/**
 * QEMU refused a QMP command. Carries QEMU's error class (for example {@code GenericError},
 * {@code CommandNotFound}, {@code DeviceNotFound}) and its description, so a caller can tell a refusal
 * from a dead VM and show QEMU's own words.
 */
public final class QmpCommandException extends HypervisorException {
    private final String command;
    private final String errorClass;
    private final String description;

    public QmpCommandException(String command, String errorClass, String description) {
        super("QMP " + command + " failed: " + errorClass + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    public String command() {
        return command;
    }

    public String errorClass() {
        return errorClass;
    }

    public String description() {
        return description;
    }
}
