package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.Drive;
import dev.vc4j.VcException;
import dev.vc4j.spi.HotpluggedDrive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    private RunFiles viewed;

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
        if (viewed != null) {
            viewed.removeLiveFiles(); // the reach mount
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

    /** A confined QEMU for the sandbox whose run directory is {@code sbs/mine}; another's is {@code sbs/other}. */
    private Path startInView(String... args) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("sbs/mine"));
        Files.writeString(Files.createDirectories(dir.resolve("sbs/other")).resolve("console.log"), "other's\n");
        List<String> argv = new ArrayList<>(List.of("-M", "q35", "-S", "-sandbox", QemuCommandLine.SECCOMP));
        argv.addAll(List.of(args));
        viewed = new RunFiles(runDir);
        QemuView.openReach(viewed);
        guestless = GuestlessQemu.start(
                runDir, argv, qemuArgv -> QemuConfinement.launchArgv(qemuArgv, new QemuView(runDir)));
        qemu = guestless.process;
        return runDir;
    }

    /** {@code hostPath} as QEMU's mount namespace resolves it ({@code /proc/<pid>/root}). */
    private Path inQemusView(Path hostPath) throws Exception {
        return Path.of("/proc", Long.toString(qemu.pid()), "root")
                .resolve(hostPath.toAbsolutePath().toString().substring(1));
    }

    @Test
    void aSandboxsRootQemuSeesItsRunDirectoryAndTheSystemOnlyNotTheOtherSandboxesNorTheHostsPrivateFiles()
            throws Exception {
        assumeTrue(QemuConfinement.privileged(), "only a root QEMU is confined");
        Path secret = Files.createTempFile(Path.of("/root"), "vc4j-view", ".secret");
        try {
            Path runDir = startInView();
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
            try (var names = Files.list(inQemusView(dir.toRealPath().resolve("sbs")))) {
                assertEquals(
                        List.of("mine"),
                        names.map(p -> p.getFileName().toString()).toList());
            }
            assertTrue(Files.exists(dir.resolve("sbs/other/console.log")), "still there on the host");
            assertTrue(Files.exists(inQemusView(runDir.toRealPath().resolve("qmp.sock"))));
            assertTrue(Files.exists(secret));
            assertFalse(Files.exists(inQemusView(secret)), "a file in /root");
            assertFalse(Files.exists(inQemusView(Path.of("/etc/passwd"))));
            assertFalse(Files.exists(inQemusView(Path.of("/dev/mem"))), "a device node QEMU does not need");
            assertTrue(Files.exists(inQemusView(Path.of("/dev/urandom"))));
            assertTrue(Files.exists(inQemusView(Path.of("/usr/bin/setpriv"))));
        } finally {
            Files.delete(secret);
        }
    }

    @Test
    void aDrivePluggedFromAFileOutsideTheViewIsBroughtIntoItAtItsHostPath() throws Exception {
        assumeTrue(QemuConfinement.privileged(), "only a root QEMU is confined");
        Path runDir = startInView(
                "-global",
                "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
                "-device",
                "pcie-root-port,id=" + QemuCommandLine.rootPortId(0) + ",bus=pcie.0,chassis=1");
        Path image = dir.resolve("outside.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        assertFalse(Files.exists(inQemusView(image.toRealPath())), "not in the view before the plug");
        BlockHotplug blocks = new BlockHotplug(guestless.qmp, viewed, qemu.pid());
        HotpluggedDrive plugged = blocks.plug(Drive.raw(image));
        assertEquals(
                List.of(image.toRealPath()),
                blocks.drives().stream().map(d -> d.drive().path()).toList());
        assertTrue(Files.exists(inQemusView(image.toRealPath())));
        assertFalse(Files.exists(inQemusView(dir.resolve("sbs/other/console.log"))), "only the file");
        blocks.unplug(plugged);
        // a second plug of the same file finds it in the view already
        blocks.unplug(blocks.plug(Drive.raw(image)));
        try (var staged = Files.list(viewed.reachDir())) {
            assertEquals(List.of(), staged.toList(), "nothing left staged");
        }
    }
}
