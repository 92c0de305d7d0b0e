package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;

import java.time.Duration;

/**
 * Removes a hot-plugged device: {@code device_del}, then QEMU's DEVICE_DELETED once the guest let it go, within a
 * deadline. Linux's pciehp waits 5 s after the attention button before it lets a slot go.
 */
final class DeviceUnplug {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final long BUSY_RETRY_MILLIS = 100;

    private DeviceUnplug() {}

    static void remove(QmpClient qmp, String deviceId) {
        QmpClient.EventWait deleted = qmp.expectEvent(
                "DEVICE_DELETED", data -> deviceId.equals(data.path("device").asText()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            requestRemoval(qmp, deviceId, deadline);
        } catch (RuntimeException e) {
            deleted.future().cancel(false); // no event is coming: stop watching for it
            throw e;
        }
        deleted.await(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    /**
     * A guest still powering up a slot it was just given refuses its removal (QEMU: "guest is busy (power
     * indicator blinking)", a GenericError told apart by its words only); it is asked again until the deadline.
     */
    private static void requestRemoval(QmpClient qmp, String deviceId, long deadline) {
        while (true) {
            try {
                qmp.execute("device_del", QemuJson.object().put("id", deviceId), COMMAND_TIMEOUT);
                return;
            } catch (QmpCommandException e) {
                if (!e.description().contains("guest is busy") || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(BUSY_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("interrupted while unplugging " + deviceId, e);
            }
        }
    }
}
