package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestDetails;
import dev.vc4j.NetworkConfig;
import dev.vc4j.PortForward;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.TemplateInfo;
import dev.vc4j.VirtContainers;
import dev.vc4j.VmTemplates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three sandboxes cloned from one VM template, a container in each: each has its own hostname, network (its own
 * passt, reached through its port forward), random stream and memory, and costs far less QEMU memory than a booted sandbox. Deleting them and cleanup() leaves no
 * template behind. A clone's QEMU is confined as a booted one's: its own view of the host's files, its console kept.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TemplatesIT {
    private static final Path TEMPLATES = TestStore.ROOTS.run().resolve("templates");
    private static Path rootfs;
    private static VirtContainers vc;
    private static final List<Sandbox> clones = new ArrayList<>();
    private static final List<Integer> hostPorts = new ArrayList<>();
    private static final int GUEST_HTTP_PORT = 8080;

    @BeforeAll
    static void cloneThree() throws Exception {
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-template-rootfs"));
        vc = VirtContainers.builder()
                .roots(TestStore.ROOTS)
                .templates(VmTemplates.transientTemplates())
                .build();
        for (int i = 0; i < 3; i++) {
            hostPorts.add(HostHttpServer.freeTcpPort());
            clones.add(vc.createSandbox(SandboxConfig.builder()
                    .id(TestStore.uniqueId("tmpl"))
                    .hostname("clone-" + i)
                    .network(NetworkConfig.userMode()
                            .withPortForward(PortForward.tcp(hostPorts.get(i), GUEST_HTTP_PORT)))
                    .build()));
        }
    }

    @AfterAll
    static void delete() throws Exception {
        for (Sandbox s : clones) {
            TestStore.deleteLeavingNothing(s);
        }
        HostRootfs.remove(rootfs);
        vc.cleanup();
        assertEquals(List.of(), vc.listTemplates());
        try (var left = Files.walk(TEMPLATES)) {
            assertEquals(List.of(TEMPLATES), left.toList(), "template files left by cleanup()");
        }
        assertFalse(
                ProcessHandle.allProcesses()
                        .anyMatch(p -> p.info().commandLine().orElse("").contains(TEMPLATES.toString())),
                "a QEMU of the template still runs");
    }

    @Test
    void clonesOfOneTemplateEachHaveTheirOwnIdentityAndMemory() throws Exception {
        assertEquals(1, vc.listTemplates().size(), vc.listTemplates().toString());
        TemplateInfo template = vc.listTemplates().get(0);
        assertTrue(template.stateBytes() > 0 && template.memoryBytes() > 0, template.toString());

        List<String> randoms = new ArrayList<>();
        for (int i = 0; i < clones.size(); i++) {
            Sandbox s = clones.get(i);
            String out = ScriptContainer.run(
                    s, rootfs, "hostname; cat /proc/sys/kernel/random/uuid; head -c 16 /dev/urandom | od -x");
            String[] lines = out.split("\n", 2);
            assertEquals("clone-" + i, guest(s, "hostname").strip(), "the guest's hostname");
            randoms.add(lines[1]);
            String addr = guest(s, "ip", "-4", "addr", "show");
            assertTrue(addr.contains("inet 10.0.2.15/24"), addr);
            assertTrue(guest(s, "ip", "route").contains("default via 10.0.2.2"), guest(s, "ip", "route"));
            guest(s, "sh", "-c", "echo written-by-" + i + " > /run/template-it");
        }
        assertEquals(3, new HashSet<>(randoms).size(), "the clones' random streams: " + randoms);
        for (int i = 0; i < clones.size(); i++) {
            assertEquals("written-by-" + i + "\n", guest(clones.get(i), "cat", "/run/template-it"));
        }
        long clock = Long.parseLong(guest(clones.get(0), "date", "+%s").strip());
        assertTrue(Math.abs(clock - System.currentTimeMillis() / 1000) < 60, "the guest clock: " + clock);
    }

    /** Each clone's NIC joined its own sandbox's passt: its port forward reaches that clone and no other. */
    @Test
    void eachClonesPortForwardReachesAnHttpdInThatClone() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < clones.size(); i++) {
            Sandbox s = clones.get(i);
            guest(s, "sh", "-c", "mkdir -p /run/www && hostname > /run/www/index.html");
            guest(s, "httpd", "-p", Integer.toString(GUEST_HTTP_PORT), "-h", "/run/www");
        }
        try {
            for (int i = 0; i < clones.size(); i++) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPorts.get(i) + "/index.html"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals("clone-" + i + "\n", response.body());
            }
        } finally {
            for (Sandbox s : clones) {
                guest(s, "killall", "httpd");
            }
        }
    }

    @Test
    void aCloneTakesAFractionOfABootedSandboxsMemoryAndLeavesNothing() throws Exception {
        long cloneRss = qemuRssKib(clones.get(0));
        long coldRss;
        try (Sandbox cold = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("cold"))
                        .network(NetworkConfig.userMode())
                        .build())) {
            ScriptContainer.run(cold, rootfs, "true");
            coldRss = qemuRssKib(cold);
            cold.delete();
        }
        assertTrue(cloneRss * 2 < coldRss, "clone RSS " + cloneRss + " KiB against " + coldRss + " KiB booted");
    }

    /** A clone is confined as a booted sandbox's QEMU is, in a view of its own, and its console is kept. */
    @Test
    void aCloneSeesOnlyItsViewOfTheHostAndItsConsoleIsKept() throws Exception {
        Sandbox s = clones.get(1);
        Path proc = Path.of("/proc", Long.toString(s.status().hypervisorPid()));
        if (Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
            assertNotEquals(
                    Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                    Files.readSymbolicLink(proc.resolve("ns/mnt")));
            Path secret = Files.createTempFile(Path.of("/root"), "vc4j-clone", ".secret");
            try {
                assertFalse(Files.exists(
                        proc.resolve("root").resolve(secret.toString().substring(1))));
            } finally {
                Files.delete(secret);
            }
            assertTrue(Files.exists(proc.resolve("root/dev/urandom")));
        }
        guest(s, "sh", "-c", "echo console-of-clone-1 > /dev/ttyS0");
        Path console = StoreFiles.runDir(s.id()).resolve("console.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(Files.exists(console) && Files.readString(console).contains("console-of-clone-1"))) {
            assertTrue(System.nanoTime() < deadline, "the clone's console output never reached console.log");
            Thread.sleep(100);
        }
    }

    /** vCPU, memory and a drive (a block-device rootfs, plugged through the clone's own view of the host). */
    @Test
    void hotplugWorksOnAClone() throws Exception {
        Sandbox clone = clones.get(2);
        GuestDetails booted = clone.guestDetails();
        assertEquals(
                booted.onlineCpus() + 1,
                clone.resizeVcpus(booted.onlineCpus() + 1).onlineCpus());
        GuestDetails grown = clone.resizeMemory(512 + 256); // the default 512 MiB, and a 256 MiB DIMM
        assertEquals(booted.memTotalKib() + 256 * 1024, grown.memTotalKib());

        Path dir = Files.createTempDirectory("vc4j-it-clone-ext4");
        try {
            Files.writeString(
                    HostRootfs.make(Files.createDirectory(dir.resolve("tree"))).resolve("marker"), "on a clone\n");
            Path image = dir.resolve("rootfs.ext4");
            HostRootfs.ext4Image(dir.resolve("tree"), image);
            Container c = clone.createContainer(ContainerConfig.builder()
                    .id(TestStore.uniqueId("blk"))
                    .cmd(Cmd.builder().args("cat", "/marker").build())
                    .rootfs(Rootfs.blockDevice(image, "ext4"))
                    .build());
            try (ContainerProcess p = c.process()) {
                c.start();
                assertEquals("on a clone\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(0, c.waitForExit(Duration.ofSeconds(60)));
            c.delete();
        } finally {
            HostRootfs.remove(dir);
        }
    }

    /** Last: it spoils the template. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aTemplateQemuRefusesIsRemovedAndTheSandboxBootsCold() throws Exception {
        TemplateInfo template = vc.listTemplates().get(0);
        Files.write(template.directory().resolve("state"), new byte[(int) template.stateBytes()]);
        try (Sandbox cold = vc.createSandbox(SandboxConfig.builder()
                .id(TestStore.uniqueId("tmpl"))
                .hostname("fallback")
                .network(NetworkConfig.userMode())
                .build())) {
            try {
                assertEquals("fallback\n", guest(cold, "hostname"));
                assertEquals(List.of(), vc.listTemplates(), "the template QEMU refused is still listed");
                assertFalse(Files.exists(template.directory().resolve("memory")), "its memory file is still there");
            } finally {
                TestStore.deleteLeavingNothing(cold);
            }
        }
    }

    private static String guest(Sandbox s, String... argv) {
        ExecResult r = s.exec(argv);
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderrText());
        return r.stdoutText();
    }

    private static long qemuRssKib(Sandbox s) throws Exception {
        String pid =
                Files.readString(StoreFiles.runDir(s.id()).resolve("qemu.pid")).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for QEMU pid " + pid);
    }
}
