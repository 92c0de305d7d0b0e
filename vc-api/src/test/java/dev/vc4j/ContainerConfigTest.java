package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each bad field of a container config or its Cmd is refused, naming the field and the value. */
class ContainerConfigTest {

    private static ContainerConfig.Builder valid() {
        return ContainerConfig.builder()
                .id("web")
                .cmd(Cmd.builder().args("nginx").build())
                .rootfs(Rootfs.directory(Path.of("/var/lib/images/web")));
    }

    private static void assertRejected(String field, String value, UnaryOperator<ContainerConfig.Builder> change) {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> change.apply(valid()).build().validate());
        assertEquals(field, e.field());
        assertEquals(value, e.value());
    }

    @Test
    void aCompleteConfigIsValid() {
        valid().ociSpec("{\"ociVersion\":\"1.0.2\"}")
                .mount(new Mount("tmpfs", "/tmp", "tmpfs", List.of("nosuid")))
                .device(new Device(Path.of("/dev/fuse"), "/dev/fuse"))
                .restartPolicy("on-failure:2")
                .dependsOn("db")
                .cmd(Cmd.builder()
                        .args("sh")
                        .env("A", "1")
                        .user("1000")
                        .primaryGroup("1000")
                        .supplementaryGroup("10")
                        .workdir(Path.of("/srv"))
                        .capability("CAP_NET_BIND_SERVICE")
                        .tty(true)
                        .build())
                .annotation("k", "v")
                .build()
                .validate();
    }

    @Test
    void eachBadFieldIsNamed() {
        assertRejected("id", "../x", b -> b.id("../x"));
        assertRejected("cmd", "null", b -> b.cmd(null));
        assertRejected("cmd.args", "[]", b -> b.cmd(Cmd.builder().build()));
        assertRejected(
                "cmd.env",
                "1A",
                b -> b.cmd(Cmd.builder().args("x").env("1A", "v").build()));
        assertRejected(
                "cmd.workdir",
                "srv",
                b -> b.cmd(Cmd.builder().args("x").workdir(Path.of("srv")).build()));
        assertRejected(
                "cmd.capabilities",
                "NET_ADMIN",
                b -> b.cmd(Cmd.builder().args("x").capability("NET_ADMIN").build()));
        assertRejected(
                "cmd.detach",
                "true",
                b -> b.cmd(Cmd.builder().args("x").tty(true).detach(true).build()));
        assertRejected("rootfs", "null", b -> b.rootfs(null));
        assertRejected("rootfs.source", "relative", b -> b.rootfs(Rootfs.directory(Path.of("relative"))));
        assertRejected("rootfs.fsType", "null", b -> b.rootfs(Rootfs.blockDevice(Path.of("/dev/sdb"), null)));
        assertRejected(
                "rootfs.access",
                "THROW_AWAY_WRITES",
                b -> b.rootfs(Rootfs.directory(Path.of("/srv/root")).throwAwayWrites()));
        assertRejected("mounts[0].destination", "tmp", b -> b.mount(new Mount("tmpfs", "tmp", "tmpfs", null)));
        assertRejected("devices[0].containerPath", "/fuse", b -> b.device(new Device(Path.of("/dev/fuse"), "/fuse")));
        assertRejected("dependencies", "web", b -> b.dependsOn("web"));
        assertRejected("dependencies", "a/b", b -> b.dependsOn("a/b"));
        assertRejected(
                "mounts[0].destination", "/a/../..", b -> b.mount(new Mount("tmpfs", "/a/../..", "tmpfs", null)));
        assertRejected("mounts[0].source", "data", b -> b.mount(new Mount("data", "/data", "bind", null)));
        assertRejected("bundle", "b", b -> b.bundle(Path.of("b")));
    }

    @Test
    void theCallersSpecGoesThroughTheModelAndMayNotTakeVc4jsRootOrCgroup() {
        valid().cmd(null)
                .ociSpec("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"]},"
                        + "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"cgroupsPath\":\"/vc4j/web\"}}")
                .build()
                .validate();
        assertRejected(
                "ociSpec.root.path",
                "/srv/rootfs",
                b -> b.ociSpec("{\"ociVersion\":\"1.0.2\"," + "\"root\":{\"path\":\"/srv/rootfs\"}}"));
        assertRejected(
                "ociSpec.linux.cgroupsPath",
                "/mine",
                b -> b.ociSpec("{\"ociVersion\":\"1.0.2\"," + "\"linux\":{\"cgroupsPath\":\"/mine\"}}"));
        assertRejected("ociSpec.ociVersion", "2.0.0", b -> b.ociSpec("{\"ociVersion\":\"2.0.0\"}"));
        assertRejected(
                "ociSpec.mounts[0].destination",
                "tmp",
                b -> b.ociSpec("{\"ociVersion\":\"1.0.2\"," + "\"mounts\":[{\"destination\":\"tmp\"}]}"));
        assertRejected("cmd", "null", b -> b.cmd(null).ociSpec("{\"ociVersion\":\"1.0.2\"}"));
        assertRejected(
                "ociSpec.process.args",
                "[]",
                b -> b.cmd(null).ociSpec("{\"ociVersion\":\"1.0.2\"," + "\"process\":{\"args\":[]}}"));
        InvalidConfigException wrongType = assertThrows(
                InvalidConfigException.class,
                () -> valid().ociSpec("{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":\"root\"}}}"));
        assertEquals("ociSpec.process.user.uid", wrongType.field());
        InvalidConfigException malformed = assertThrows(InvalidConfigException.class, () -> valid().ociSpec("{"));
        assertEquals("ociSpec", malformed.field());
    }
}
