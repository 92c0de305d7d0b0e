package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VsockMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CID allocation against a device whose answers the test decides; the kernel's own is tested where it exists. */
class VsockCidsTest {

    /** A vhost-vsock device where {@code inUse} CIDs belong to other VMs. */
    private static final class FakeDevice implements VhostVsock {
        final Set<Long> inUse = new HashSet<>();
        final List<Long> tried = new ArrayList<>();
        IOException openFailure;
        IOException claimFailure;
        int opened;
        int closed;

        @Override
        public Instance open() throws IOException {
            if (openFailure != null) {
                throw openFailure;
            }
            opened++;
            return new Instance() {
                @Override
                public boolean claim(long cid) throws IOException {
                    tried.add(cid);
                    if (claimFailure != null) {
                        throw claimFailure;
                    }
                    return !inUse.contains(cid);
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    private final FakeDevice device = new FakeDevice();

    @Test
    void theFirstFreeCidFromTheStartIsTakenAndTheDeviceReleasedForQemu() {
        device.inUse.addAll(List.of(100L, 101L, 102L));
        assertEquals(OptionalLong.of(103), VsockCids.allocate(VsockMode.AUTO, device, 100));
        assertEquals(List.of(100L, 101L, 102L, 103L), device.tried);
        // QEMU claims the CID by number, which only works once our instance let go of it
        assertEquals(1, device.closed);
    }

    @Test
    void candidatesWrapFromTheLastGuestCidToTheFirst() {
        device.inUse.add(VsockCids.LAST);
        assertEquals(OptionalLong.of(VsockCids.FIRST), VsockCids.allocate(VsockMode.ON, device, VsockCids.LAST));
    }

    @Test
    void offNeverTouchesTheDevice() {
        assertEquals(OptionalLong.empty(), VsockCids.allocate(VsockMode.OFF, device, 3));
        assertEquals(0, device.opened);
    }

    @Test
    void autoWithoutADeviceMeansNoVsock() {
        device.openFailure = new IOException("cannot open /dev/vhost-vsock: [2] No such file or directory");
        assertEquals(OptionalLong.empty(), VsockCids.allocate(VsockMode.AUTO, device, 3));
    }

    @Test
    void onWithoutADeviceIsAConfigErrorSayingWhy() {
        device.openFailure = new IOException("cannot open /dev/vhost-vsock: [13] Permission denied");
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> VsockCids.allocate(VsockMode.ON, device, 3));
        assertEquals("hypervisor.vsock", e.field());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void aHostFullOfVmsIsAHypervisorError() {
        for (long cid = 3; cid < 3 + VsockCids.MAX_CANDIDATES; cid++) {
            device.inUse.add(cid);
        }
        HypervisorException e =
                assertThrows(HypervisorException.class, () -> VsockCids.allocate(VsockMode.AUTO, device, 3));
        assertTrue(e.getMessage().contains("no free guest vsock CID"), e.getMessage());
        assertEquals(1, device.closed);
    }

    @Test
    void anIoctlFailureOtherThanInUseIsAHypervisorError() {
        device.claimFailure = new IOException("VHOST_VSOCK_SET_GUEST_CID 7 on /dev/vhost-vsock: [22] Invalid argument");
        HypervisorException e =
                assertThrows(HypervisorException.class, () -> VsockCids.allocate(VsockMode.AUTO, device, 7));
        assertTrue(e.getMessage().contains("Invalid argument"), e.getMessage());
        assertEquals(1, device.closed);
    }

    /** The JNA side on this kernel: a device file that is not there is an error naming it and errno. */
    @Test
    void theRealDeviceMissingIsAnIoErrorNamingThePath() {
        IOException e =
                assertThrows(IOException.class, () -> new LinuxVhostVsock(Path.of("/nonexistent/vhost-vsock")).open());
        assertTrue(
                e.getMessage().contains("/nonexistent/vhost-vsock")
                        && e.getMessage().contains("No such file"),
                e.getMessage());
    }
}
