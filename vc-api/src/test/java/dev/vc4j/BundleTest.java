package dev.vc4j;

import dev.vc4j.oci.LinuxNamespace;
import dev.vc4j.oci.Spec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bundle read into a container config: what goes to the guest, what is found, and what is refused. */
class BundleTest {
    @TempDir
    Path bundle;

    private Path data;
    private Path hosts;

    @BeforeEach
    void layOut() throws IOException {
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        data = Files.createDirectories(bundle.resolve("data"));
        hosts = Files.writeString(bundle.resolve("hosts"), "127.0.0.1 localhost\n");
    }

    private Bundle read(String json) throws IOException {
        Files.writeString(bundle.resolve("config.json"), json);
        return Bundle.read(bundle);
    }

    /** A spec as `crun spec` makes one, with {@code mounts} after its proc mount and {@code linux} members. */
    private static String spec(String mounts, String linux) {
        return """
                {"ociVersion": "1.0.0",
                 "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "echo hello"],
                   "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": true},
                 "root": {"path": "rootfs", "readonly": true}, "hostname": "crun",
                 "annotations": {"org.example/owner": "test"},
                 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}%s],
                 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]%s}}
                """.formatted(mounts, linux);
    }

    @Test
    void aBundleBecomesAConfigWithItsRootfsItsMountsInOrderAndVc4jsRootAndCgroup() throws IOException {
        Bundle b = read(spec("""
                , {"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro"]},
                  {"destination": "/etc/hosts", "source": "%s", "options": ["bind", "ro"]},
                  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}
                """.formatted(hosts), ", \"cgroupsPath\": \"/libpod_parent/abc\""));

        ContainerConfig config = b.toConfig().id("web").build();
        config.validate();

        assertEquals(List.of(), b.findings());
        assertEquals(Rootfs.directory(bundle.resolve("rootfs")), config.rootfs());
        assertEquals(bundle, config.bundle());
        assertEquals(
                List.of(
                        new Mount("proc", "/proc", "proc", null),
                        new Mount(data.toString(), "/data", "bind", List.of("rbind", "ro")),
                        new Mount(hosts.toString(), "/etc/hosts", "bind", List.of("bind", "ro")),
                        new Mount("tmpfs", "/tmp", "tmpfs", null)),
                config.mounts());
        Spec guest = config.ociSpec();
        assertEquals("rootfs", guest.root().path());
        assertEquals(true, guest.root().readonly());
        assertNull(guest.mounts());
        assertNull(guest.linux().cgroupsPath());
        assertEquals(List.of("sh", "-c", "echo hello"), guest.process().args());
        assertEquals("crun", guest.hostname());
        assertEquals("test", guest.annotations().get("org.example/owner"));
        assertEquals(b.spec().process(), guest.process());
    }

    @Test
    void anAbsoluteRootPathIsTakenAsItIs(@TempDir Path elsewhere) throws IOException {
        Bundle b = read(spec("", "").replace("\"path\": \"rootfs\"", "\"path\": \"" + elsewhere + "\""));
        assertEquals(elsewhere, b.rootfs());
    }

    @Test
    void aNetworkNamespacePathIsTheSandboxsAndTheOtherNamespacesAreMadeInTheGuest() throws IOException {
        Bundle b = read(
                spec("", "")
                        .replace(
                                "{\"type\": \"mount\"}",
                                "{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/run/netns/cni-1\"}, {\"type\": \"uts\"}"));
        assertEquals(Optional.of(Path.of("/run/netns/cni-1")), b.networkNamespace());
        assertEquals(
                List.of(LinuxNamespace.of("pid"), LinuxNamespace.of("mount"), LinuxNamespace.of("uts")),
                b.toConfig().build().ociSpec().linux().namespaces());
        assertEquals(List.of(), b.findings());
    }

    @Test
    void whatAVmCannotHonourIsLeftOutAndFound() throws IOException {
        Path socket = bundle.resolve("engine.sock");
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(socket));
            Bundle b = read(spec("""
                    , {"destination": "/run/engine.sock", "type": "bind", "source": "engine.sock"},
                      {"destination": "/etc/hosts", "type": "bind", "source": "hosts"}
                    """, """
                    , "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229}],
                      "mountLabel": "system_u:object_r:container_file_t:s0",
                      "intelRdt": {"closID": "gold"}
                    """)
                    .replace("{\"type\": \"mount\"}", "{\"type\": \"mount\", \"path\": \"/proc/1/ns/mnt\"}")
                    .replace("\"cwd\": \"/\",", "\"cwd\": \"/\", \"apparmorProfile\": \"containers-default\","));

            assertEquals(
                    List.of(
                            "mounts[1].source",
                            "mounts[2].source",
                            "linux.namespaces[1].path",
                            "linux.devices[0].path",
                            "linux.intelRdt",
                            "linux.mountLabel",
                            "process.apparmorProfile"),
                    b.findings().stream().map(Bundle.Finding::field).toList(),
                    b.findings().toString());
            Spec guest = b.toConfig().build().ociSpec();
            assertNull(guest.linux().devices());
            assertNull(guest.linux().mountLabel());
            assertNull(guest.process().apparmorProfile());
            assertEquals(LinuxNamespace.of("mount"), guest.linux().namespaces().get(1));
            assertTrue(guest.linux().otherFields().isEmpty());
            assertEquals(
                    List.of("/proc", "/etc/hosts"),
                    b.toConfig().build().mounts().stream()
                            .map(Mount::destination)
                            .toList());

            Files.writeString(bundle.resolve("config.json"), Files.readString(bundle.resolve("config.json")));
            InvalidConfigException strict =
                    assertThrows(InvalidConfigException.class, () -> Bundle.read(bundle, Bundle.Mode.STRICT));
            assertEquals("mounts[1].source", strict.field());
            assertTrue(strict.getMessage().contains("strict mode"), strict.getMessage());
        }
    }

    private void assertRejected(String field, String value, String json) throws IOException {
        List<Path> before = files();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> read(json));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(value, e.value(), e.getMessage());
        assertEquals(
                before.size() + (before.contains(bundle.resolve("config.json")) ? 0 : 1),
                files().size(),
                "reading a bundle creates nothing but the test's config.json");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(bundle)) {
            return walk.toList();
        }
    }

    @Test
    void aBundleWithoutConfigJsonIsRefused() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Bundle.read(bundle));
        assertEquals("config.json", e.field());
        assertEquals(bundle.resolve("config.json").toString(), e.value());
    }

    @Test
    void eachBadInputIsRefusedNamingItsJsonPathAndValue() throws IOException {
        assertRejected("config.json", "line 1, column 3", "{\"");
        assertRejected("process.args", "null", spec("", "").replace("\"args\": [\"sh\", \"-c\", \"echo hello\"],", ""));
        assertRejected("process.args", "[]", spec("", "").replace("[\"sh\", \"-c\", \"echo hello\"]", "[]"));
        assertRejected("root.path", "null", spec("", "").replace("\"path\": \"rootfs\", ", ""));
        assertRejected("root.path", "hosts", spec("", "").replace("\"path\": \"rootfs\"", "\"path\": \"hosts\""));
        assertRejected("root.path", "nowhere", spec("", "").replace("\"path\": \"rootfs\"", "\"path\": \"nowhere\""));
        assertRejected("mounts[3].source", "/no/such/dir", spec("""
                , {"destination": "/data", "type": "bind", "source": "data"},
                  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
                  {"destination": "/srv", "type": "bind", "source": "/no/such/dir", "options": ["rbind"]}
                """, ""));
        assertRejected("linux.namespaces[1].type", "mnt", spec("", "").replace("\"mount\"", "\"mnt\""));
        assertRejected("ociVersion", "2.0.0", spec("", "").replace("1.0.0", "2.0.0"));
        assertRejected("mounts[1].destination", "data", spec("""
                , {"destination": "data", "type": "bind", "source": "data"}""", ""));
        assertRejected("mounts[1].destination", "/../etc", spec("""
                , {"destination": "/../etc", "type": "bind", "source": "data"}""", ""));
        assertRejected("mounts[1].source", "7", spec("""
                , {"destination": "/data", "type": "bind", "source": 7}""", ""));
    }

    @Test
    void fromBundleFillsABuilderTheCallerGivesAnId() throws IOException {
        Files.writeString(bundle.resolve("config.json"), spec("", ""));
        ContainerConfig config = ContainerConfig.fromBundle(bundle)
                .id("c")
                .restartPolicy("always")
                .build();
        config.validate();
        assertEquals(RestartPolicy.parse("always"), config.restartPolicy());
        assertEquals(bundle.resolve("rootfs"), config.rootfs().source());
    }
}
