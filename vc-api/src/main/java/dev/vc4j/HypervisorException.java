package dev.vc4j;

/** QEMU failed to start, died, or refused a command. The message carries QEMU's own words where it had any. */
public class HypervisorException extends VcException {
    public HypervisorException(String message) {
        this(message, null);
    }

    public HypervisorException(String message, Throwable cause) {
        super(ErrorCode.HYPERVISOR_FAILED, message, cause);
    }
}
