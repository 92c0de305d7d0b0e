package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.VsockMode;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.OptionalLong;

/**
 * Guest vsock addresses (CIDs). A CID is host-wide, so every VM needs its own. As Kata does, candidates are
 * tried on an open /dev/vhost-vsock instance with VHOST_VSOCK_SET_GUEST_CID until the kernel accepts one,
 * which proves it free. Kata then hands that very descriptor to QEMU (vhostfd), so the CID stays held; a JVM
 * cannot: ProcessBuilder closes every descriptor above 2 in the child. So the instance is closed and QEMU
 * claims the CID again by number. The candidates start at a random point of the 32-bit space, which makes
 * two launches racing for one CID in that gap astronomically unlikely, and QEMU refuses to start with a CID
 * that is taken, so a collision is a failed start, never a crossed connection.
 */
final class VsockCids {
    static final long FIRST = 3; // 0-2: hypervisor, loopback, host
    static final long LAST = 0xFFFF_FFFEL; // 0xFFFFFFFF: any
    /** Enough for a host full of VMs: each candidate costs one ioctl. */
    static final int MAX_CANDIDATES = 4096;

    private static final SecureRandom RANDOM = new SecureRandom();

    private VsockCids() {}

    /** A free CID for a new VM, or empty where the config or the host leave the VM without vsock. */
    static OptionalLong allocate(VsockMode mode) {
        return allocate(
                mode,
                new LinuxVhostVsock(LinuxVhostVsock.DEVICE),
                FIRST + (RANDOM.nextLong() & Long.MAX_VALUE) % (LAST - FIRST + 1));
    }

    /** Tries the CIDs from {@code start} upwards (wrapping within the guest range). */
    static OptionalLong allocate(VsockMode mode, VhostVsock device, long start) {
        if (mode == VsockMode.OFF) {
            return OptionalLong.empty();
        }
        VhostVsock.Instance instance;
        try {
            instance = device.open();
        } catch (IOException e) {
            if (mode == VsockMode.ON) {
                throw new InvalidConfigException(
                        "hypervisor.vsock",
                        mode,
                        "this host cannot give guests vsock (" + e.getMessage()
                                + "); load vhost_vsock and give this user access, or use AUTO or OFF");
            }
            return OptionalLong.empty();
        }
        try (instance) {
            long cid = start;
            for (int i = 0; i < MAX_CANDIDATES; i++) {
                if (instance.claim(cid)) {
                    return OptionalLong.of(cid);
                }
                cid = cid == LAST ? FIRST : cid + 1;
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot allocate a guest vsock CID: " + e.getMessage(), e);
        }
        throw new HypervisorException("no free guest vsock CID among " + MAX_CANDIDATES + " tried from " + start);
    }
}
