package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.VcTimeoutException;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Removal of a device that the guest has to give up through ACPI (a vCPU, a DIMM): {@code device_del} only asks
 * the guest, which offlines the device and ejects it, and QEMU removes it; a guest that cannot
 * (memory it did not online movable, ACPI hotplug disabled in its sysfs) reports a failure status through
 * _OST, which QEMU passes on as ACPI_DEVICE_OST, so a refusal is an error at once, not at the deadline.
 */
final class AcpiUnplug {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** ACPI _OST status codes that are no failure: success, and "eject in progress". */
    private static final int OST_SUCCESS = 0;

    private static final int OST_EJECT_IN_PROGRESS = 0x84;
    private static final long POLL_MILLIS = 50;

    private AcpiUnplug() {}

    /**
     * Asks the guest to give up device {@code id}, in ACPI slot {@code slot} of {@code slotType} ("CPU",
     * "DIMM"), and waits at most {@code timeout} until {@code gone} says QEMU has removed it. QEMU's
     * DEVICE_DELETED is not waited for: for a vCPU it comes only once the vCPU's thread has let go of it, if at
     * all. Throws HypervisorException naming the guest's _OST status when it refuses, VcTimeoutException when
     * it does not answer; the device then stays, as the guest still uses it.
     */
    static void remove(QmpClient qmp, String id, String slotType, String slot, Duration timeout, BooleanSupplier gone) {
        QmpClient.EventWait refused = qmp.expectEvent(
                "ACPI_DEVICE_OST",
                data -> slotType.equals(data.path("info").path("slot-type").asText())
                        && slot.equals(data.path("info").path("slot").asText())
                        && failed(data.path("info").path("status").asInt()));
        String what = slotType + " " + id;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            qmp.execute("device_del", QemuJson.object().put("id", id), COMMAND_TIMEOUT);
            while (!gone.getAsBoolean()) {
                if (refused.future().isDone()) {
                    int status =
                            refused.future().join().path("info").path("status").asInt();
                    throw new HypervisorException("the guest refused to give up " + what + ": ACPI _OST status 0x"
                            + Integer.toHexString(status) + " (" + meaning(status) + "); it stays plugged and in use");
                }
                if (System.nanoTime() > deadline) {
                    throw new VcTimeoutException("the guest giving up " + what + " (it stays plugged)", timeout, null);
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted while removing " + what, e);
        } finally {
            refused.future().cancel(false);
        }
    }

    private static boolean failed(int status) {
        return status != OST_SUCCESS && status != OST_EJECT_IN_PROGRESS;
    }

    /** The ACPI specification's words for the _OST codes of an eject request. */
    private static String meaning(int status) {
        return switch (status) {
            case 0x1 -> "failure";
            case 0x80 -> "eject not supported: hotplug of this kind of device is disabled in the guest";
            case 0x81 -> "device in use";
            case 0x82 -> "device busy: the guest could not take it offline";
            case 0x83 -> "a dependent device is busy";
            default -> "unknown status";
        };
    }
}
