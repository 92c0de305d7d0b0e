package dev.vc4j.it;

import dev.vc4j.Accelerator;
import dev.vc4j.GuestDetails;
import dev.vc4j.HypervisorException;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.InvalidStateException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.VirtContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resizing a sandbox through its API on one real VM: vCPUs and memory hot-plugged by QEMU and brought online by
 * the agent, seen inside the guest (nproc, MemTotal); then removed again with the guest's consent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResizeIT {
    private static Sandbox sandbox;
    private static long bootMemTotalKib;

    @BeforeAll
    static void boot() {
        VirtContainers vc = TestStore.virtContainers();
        // the defaults leave room: 1 of 4 vCPUs, 512 MiB of up to 2560 MiB in 8 slots
        sandbox = vc.createSandbox(
                SandboxConfig.builder().id(TestStore.uniqueId("resize")).build());
        bootMemTotalKib = memTotalKib();
    }

    @AfterAll
    static void delete() throws IOException {
        if (sandbox != null) {
            String id = sandbox.id();
            sandbox.stop(StopMode.IMMEDIATE);
            sandbox.delete();
            assertEquals(0, TestStore.filesOf(id), "files left behind by delete");
        }
    }

    @Test
    @Order(1)
    void oneMoreCpuAnd256MibAreVisibleInTheGuest() {
        assertEquals("1", sh("nproc"));

        GuestDetails withCpu = sandbox.resizeVcpus(2);
        assertEquals(2, withCpu.onlineCpus());
        assertEquals("2", sh("nproc"));

        GuestDetails withMemory = sandbox.resizeMemory(768);
        assertEquals(bootMemTotalKib + 256 * 1024, withMemory.memTotalKib());
        assertEquals(bootMemTotalKib + 256 * 1024, memTotalKib());
    }

    @Test
    @Order(2)
    void requestsBeyondTheReservedRoomOrInTheWrongStateFailAndChangeNothing() {
        String cpusBefore = sh("cat /sys/devices/system/cpu/present");
        InvalidConfigException tooManyCpus = assertThrows(InvalidConfigException.class, () -> sandbox.resizeVcpus(10));
        assertEquals("vcpus", tooManyCpus.field());
        assertTrue(tooManyCpus.getMessage().contains("hypervisor.maxVcpus"), tooManyCpus.getMessage());
        assertEquals(
                "memoryMib",
                assertThrows(InvalidConfigException.class, () -> sandbox.resizeMemory(700))
                        .field());
        assertEquals(
                "memoryMib",
                assertThrows(InvalidConfigException.class, () -> sandbox.resizeMemory(4096))
                        .field());

        sandbox.start();
        sandbox.pause();
        InvalidStateException paused = assertThrows(InvalidStateException.class, () -> sandbox.resizeVcpus(3));
        assertEquals(SandboxState.PAUSED, paused.current());
        sandbox.resume();

        assertEquals(cpusBefore, sh("cat /sys/devices/system/cpu/present"));
        assertEquals(bootMemTotalKib + 256 * 1024, memTotalKib());
    }

    @Test
    @Order(3)
    void aHotAddedCpuIsRemovedUnderKvmAndRefusedClearlyUnderTcg() {
        if (sandbox.status().accelerator() == Accelerator.KVM) {
            assertEquals(1, sandbox.resizeVcpus(1).onlineCpus());
            assertEquals("1", sh("nproc"));
            assertEquals("0", sh("cat /sys/devices/system/cpu/present"), "the vCPU is gone, not only offline");
        } else {
            HypervisorException refused = assertThrows(HypervisorException.class, () -> sandbox.resizeVcpus(1));
            assertTrue(refused.getMessage().contains("needs KVM"), refused.getMessage());
            assertEquals("2", sh("nproc"));
        }
    }

    @Test
    @Order(4)
    void memoryTheGuestRefusesToGiveUpStaysAndIsRemovedOnceItAgrees() {
        // the guest's own switch for memory hot-remove: with it off, Linux answers the eject request with a refusal
        sh("echo 0 > /sys/firmware/acpi/hotplug/memory/enabled");
        long asked = System.nanoTime();
        HypervisorException refused = assertThrows(HypervisorException.class, () -> sandbox.resizeMemory(512));
        long millis = (System.nanoTime() - asked) / 1_000_000;
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
        assertTrue(millis < 10_000, "refusal reported after " + millis + " ms");
        assertEquals(bootMemTotalKib + 256 * 1024, memTotalKib(), "the refused DIMM is still in use");

        sh("echo 1 > /sys/firmware/acpi/hotplug/memory/enabled");
        assertEquals(bootMemTotalKib, sandbox.resizeMemory(512).memTotalKib());
        assertEquals(bootMemTotalKib, memTotalKib());
        // the VM is whole: memory can be added again
        assertEquals(bootMemTotalKib + 128 * 1024, sandbox.resizeMemory(640).memTotalKib());
    }

    private static String sh(String script) {
        var result = sandbox.exec("sh", "-c", script);
        assertEquals(0, result.exitCode(), script + ": " + result.stderrText());
        return result.stdoutText().strip();
    }

    private static long memTotalKib() {
        return Long.parseLong(sh("awk '/^MemTotal:/ {print $2}' /proc/meminfo"));
    }
}
