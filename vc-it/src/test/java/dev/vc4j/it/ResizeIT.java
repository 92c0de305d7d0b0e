package dev.vc4j.it;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.QmpCommandException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPU and memory hotplug seen inside the guest. Bringing them online is the agent's job (OnlineCPUMem);
 * until the agent has it, the test does what it will do, through RunProcess.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResizeIT {
    // the defaults leave room: 1 of 4 vCPUs, 512 MiB of up to 2560 MiB in 8 slots
    @RegisterExtension
    static final SharedGuest SHARED = new SharedGuest("resize", HypervisorConfig.defaults());

    @Test
    @Order(1)
    void oneMoreCpuAnd256MibAreVisibleInTheGuest() throws InterruptedException {
        assertEquals("1", SHARED.get().sh("nproc").strip());
        long memTotalBefore = memTotalKib();

        assertEquals(2, SHARED.get().vm.hotplugVcpus(1));
        SHARED.get().vm.hotplugMemory(256);

        // the guest learns of them through ACPI, a moment after QEMU added them
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            onlineEverything();
            String nproc = SHARED.get().sh("nproc").strip();
            long added = memTotalKib() - memTotalBefore;
            if (nproc.equals("2") && added == 256 * 1024) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "after 30 s: nproc " + nproc + ", MemTotal grew by " + added + " KiB");
            Thread.sleep(200);
        }
    }

    @Test
    @Order(2)
    void requestsBeyondTheReservedRoomFailAndChangeNothing() {
        String cpusBefore = SHARED.get().sh("cat /sys/devices/system/cpu/present");
        InvalidConfigException tooManyCpus = assertThrows(InvalidConfigException.class, () -> SHARED.get().vm.hotplugVcpus(10));
        assertEquals("vcpus", tooManyCpus.field());
        assertTrue(tooManyCpus.getMessage().contains("hypervisor.maxVcpus"), tooManyCpus.getMessage());
        assertEquals(cpusBefore, SHARED.get().sh("cat /sys/devices/system/cpu/present"));

        assertEquals("memoryMib", assertThrows(InvalidConfigException.class, () -> SHARED.get().vm.hotplugMemory(100)).field());
        QmpCommandException tooMuch = assertThrows(QmpCommandException.class, () -> SHARED.get().vm.hotplugMemory(4096));
        assertEquals("device_add", tooMuch.command());
        // the VM takes memory within its room after the refusal
        SHARED.get().vm.hotplugMemory(128);
    }

    /** What the agent's OnlineCPUMem will do: every offline CPU and memory block online. */
    private static void onlineEverything() {
        SHARED.get().sh("for f in /sys/devices/system/cpu/cpu*/online /sys/devices/system/memory/memory*/state; do"
                + " case $(cat $f) in 0) echo 1 > $f ;; offline) echo online > $f ;; esac; done");
    }

    private static long memTotalKib() {
        return Long.parseLong(SHARED.get().sh("awk '/^MemTotal:/ {print $2}' /proc/meminfo").strip());
    }
}
