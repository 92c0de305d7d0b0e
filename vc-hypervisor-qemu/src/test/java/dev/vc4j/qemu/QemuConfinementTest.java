package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.VcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A QEMU started as the driver starts it, on a machine that never runs a guest ({@code -S}): what the kernel
 * says of the process is what is asserted. Only where the tests run as root is there anything to confine.
 */
class QemuConfinementTest {
    /** CAP_CHOWN (0), CAP_DAC_OVERRIDE (1), CAP_DAC_READ_SEARCH (2), CAP_FOWNER (3), CAP_FSETID (4). */
    private static final String KEPT_MASK = "000000000000001f";

    @TempDir
    Path dir;

    private GuestlessQemu guestless;
    private QemuProcess qemu;

    private void start() {
        guestless = GuestlessQemu.start(
                dir, List.of("-M", "q35", "-S", "-sandbox", QemuCommandLine.SECCOMP), QemuConfinement::launchArgv);
        qemu = guestless.process;
    }

    @AfterEach
    void stop() {
        if (guestless != null) {
            guestless.close();
        }
    }

    private String status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(qemu.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + qemu.pid() + "/status");
    }

    @Test
    void aRootQemuKeepsOnlyTheFileCapabilitiesUnderItsSeccompFilter() throws Exception {
        assumeTrue(QemuConfinement.privileged(), "only a root QEMU is confined");
        start();
        assertTrue(
                Files.readSymbolicLink(Path.of("/proc", Long.toString(qemu.pid()), "exe"))
                        .getFileName()
                        .toString()
                        .startsWith("qemu-system"),
                "the pid recorded is QEMU's, not a wrapper's");
        assertEquals(ProcessIdentity.startTime(qemu.pid()).orElseThrow(), qemu.startTime());
        assertEquals("0", status("Uid").split("\\s+")[1]);
        assertEquals(KEPT_MASK, status("CapEff"));
        assertEquals(KEPT_MASK, status("CapPrm"));
        assertEquals(KEPT_MASK, status("CapBnd"));
        assertEquals("0000000000000000", status("CapInh"));
        assertEquals("1", status("NoNewPrivs"));
        assertEquals("2", status("Seccomp"), "a seccomp filter");
        String cmdline = Files.readString(Path.of("/proc", Long.toString(qemu.pid()), "cmdline"));
        assertTrue(cmdline.contains(
                "\0-sandbox\0on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny\0"));
    }

    @Test
    void theSeccompFilterKillsAQemuThatStartsAProgram() {
        start();
        // migration to exec: forks a shell; the filter answers fork and execve with SIGSYS
        assertThrows(
                VcException.class,
                () -> guestless.qmp.execute(
                        "migrate",
                        new ObjectMapper().createObjectNode().put("uri", "exec:cat > /dev/null"),
                        Duration.ofSeconds(5)));
        assertTrue(qemu.waitFor(Duration.ofSeconds(5)), "QEMU ended");
        assertTrue(qemu.exitDescription().contains("killed by signal 31"), qemu.exitDescription());
    }

    @Test
    void aSandboxsRootQemuHasItsOwnMountNamespaceThatHidesTheOtherSandboxes() throws Exception {
        assumeTrue(QemuConfinement.privileged(), "only a root QEMU is confined");
        Path runDir = Files.createDirectories(dir.resolve("sbs/mine"));
        Files.writeString(Files.createDirectories(dir.resolve("sbs/other")).resolve("console.log"), "other's\n");
        guestless = GuestlessQemu.start(
                dir,
                List.of("-M", "q35", "-S", "-sandbox", QemuCommandLine.SECCOMP),
                argv -> QemuConfinement.launchArgv(argv, runDir));
        qemu = guestless.process;
        Path proc = Path.of("/proc", Long.toString(qemu.pid()));
        assertTrue(
                Files.readSymbolicLink(proc.resolve("exe"))
                        .getFileName()
                        .toString()
                        .startsWith("qemu-system"),
                "the pid recorded is QEMU's, not a wrapper's");
        assertNotEquals(
                Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                Files.readSymbolicLink(proc.resolve("ns/mnt")),
                "a mount namespace of its own");
        assertEquals(KEPT_MASK, status("CapEff"));
        // /proc/<pid>/root resolves paths in QEMU's mount namespace
        Path seen = proc.resolve("root")
                .resolve(dir.toRealPath().toString().substring(1))
                .resolve("sbs");
        try (var names = Files.list(seen)) {
            assertEquals(
                    List.of("mine"), names.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(Files.exists(dir.resolve("sbs/other/console.log")), "still there on the host");
    }
}
