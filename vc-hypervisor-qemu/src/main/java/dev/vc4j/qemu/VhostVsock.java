package dev.vc4j.qemu;

import java.io.IOException;

/**
 * The host's vhost-vsock device as CID allocation sees it: open an instance, ask it to take a guest CID.
 * An interface so that the allocation logic can be tested against CIDs that are in use without the device.
 */
interface VhostVsock {

    /** Opens a device instance; throws when the host has no usable device, saying why. */
    Instance open() throws IOException;

    /** One open instance of the device; the CID it took is held until it is closed. */
    interface Instance extends AutoCloseable {
        /** True when {@code cid} was free and this instance now holds it; false when another VM holds it. */
        boolean claim(long cid) throws IOException;

        @Override
        void close();
    }
}
