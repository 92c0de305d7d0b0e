package dev.vc4j.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerResources;
import dev.vc4j.Rootfs;
import dev.vc4j.oci.Hook;
import dev.vc4j.oci.Hooks;
import dev.vc4j.oci.Mount;
import dev.vc4j.oci.Spec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OciSpecTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Mount DELIVERED = Mount.builder()
            .destination("/data")
            .type("bind")
            .source("/run/vc4j-agent/sandbox/vol/data")
            .options("rbind", "ro")
            .build();

    private static JsonNode tree(String json) throws IOException {
        return PLAIN.readTree(json);
    }

    @Test
    void theLinuxResourcesOfAnUpdateHoldTheFieldsItSetsOnly() {
        assertEquals(
                "{\"memory\":{\"limit\":67108864}}",
                OciSpec.resources(ContainerResources.builder()
                                .memoryLimitBytes(64L << 20)
                                .build())
                        .toJson());
        assertEquals(
                "{\"memory\":{\"reservation\":1,\"swap\":2},\"cpu\":{\"shares\":512,\"quota\":50000,"
                        + "\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},\"pids\":{\"limit\":64}}",
                OciSpec.resources(ContainerResources.builder()
                                .memoryReservationBytes(1)
                                .memorySwapBytes(2)
                                .cpuShares(512)
                                .cpuQuota(50_000, 100_000)
                                .cpusetCpus("0-1")
                                .cpusetMems("0")
                                .pidsLimit(64)
                                .build())
                        .toJson());
    }

    @Test
    void aConfigWithoutASpecRunsItsCmdWithVc4jsDefaultsRootAndCgroup() throws IOException {
        ContainerConfig config = ContainerConfig.builder()
                .id("web")
                .rootfs(Rootfs.directory(Path.of("/srv/web")))
                .cmd(Cmd.builder().args("httpd", "-f").env("A", "1").user("33").build())
                .annotation("k", "v")
                .build();

        Spec spec = OciSpec.container(config, List.of(DELIVERED), null);

        assertEquals(tree("""
                {"ociVersion": "1.0.2",
                 "process": {"terminal": false, "user": {"uid": 33, "gid": 0, "additionalGids": []},
                   "args": ["httpd", "-f"],
                   "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1"], "cwd": "/",
                   "capabilities": {"bounding": [], "effective": [], "permitted": []}, "noNewPrivileges": true},
                 "root": {"path": "rootfs", "readonly": false}, "hostname": "web",
                 "mounts": [
                   {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
                   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                   {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                   {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                    "options": ["nosuid", "noexec", "nodev", "mode=1777"]},
                   {"destination": "/data", "type": "bind", "source": "/run/vc4j-agent/sandbox/vol/data",
                    "options": ["rbind", "ro"]}],
                 "annotations": {"k": "v"},
                 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}],
                   "cgroupsPath": "/vc4j/web"}}
                """), tree(spec.toJson()));
    }

    @Test
    void theCallersSpecKeepsWhatVc4jDoesNotNeedAndItsHooksAreThoseTheGuestRuns() throws IOException {
        Spec own = Spec.parse("""
                {"ociVersion": "1.1.0", "process": {"args": ["sh"], "terminal": true, "rlimits": [
                   {"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]},
                 "root": {"path": "rootfs", "readonly": true}, "hostname": "own",
                 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
                 "annotations": {"com.example/a": "1"},
                 "hooks": {"prestart": [{"path": "/host/hook"}]},
                 "linux": {"namespaces": [{"type": "pid"}], "sysctl": {"net.ipv4.ip_forward": "1"}},
                 "vendor": {"x": true}}
                """);
        Hooks guest = Hooks.builder()
                .createContainer(Hook.builder().path("/bin/true").build())
                .build();
        ContainerConfig config = ContainerConfig.builder()
                .id("c1")
                .rootfs(Rootfs.directory(Path.of("/srv/c1")))
                .ociSpec(own)
                .annotation("k", "v")
                .build();

        Spec spec = OciSpec.container(config, List.of(DELIVERED), guest);

        assertEquals(own.process(), spec.process());
        assertEquals(true, spec.root().readonly());
        assertEquals("own", spec.hostname());
        assertEquals(List.of(own.mounts().get(0), DELIVERED), spec.mounts());
        assertEquals(Map.of("com.example/a", "1", "k", "v"), spec.annotations());
        assertEquals(guest, spec.hooks());
        assertEquals("/vc4j/c1", spec.linux().cgroupsPath());
        assertEquals(Map.of("net.ipv4.ip_forward", "1"), spec.linux().sysctl());
        assertEquals(Map.of("x", true), spec.otherFields().get("vendor"));

        Spec withCmd = OciSpec.container(
                ContainerConfig.builder()
                        .id("c1")
                        .rootfs(Rootfs.directory(Path.of("/srv")))
                        .ociSpec(own)
                        .cmd(Cmd.builder().args("true").build())
                        .build(),
                List.of(),
                null);
        assertEquals(List.of("true"), withCmd.process().args());
        assertNull(withCmd.hooks());
    }
}
