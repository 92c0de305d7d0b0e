package dev.vc4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Resources, volumes, containers and hooks of a sandbox config: checked naming the field, and resolved for the VM. */
class SandboxConfigTest {
    @TempDir
    Path dir;

    private HypervisorConfig hypervisor() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        return HypervisorConfig.builder()
                .qemuBinary(Path.of("/bin/sh"))
                .kernel(file)
                .initrd(file)
                .bios(null)
                .vcpus(1)
                .maxVcpus(4)
                .memoryMib(256)
                .maxMemoryMib(1024)
                .build();
    }

    private static ContainerConfig container(String id, String... dependencies) {
        ContainerConfig.Builder b = ContainerConfig.builder()
                .id(id)
                .cmd(Cmd.builder().args("sleep", "1").build())
                .rootfs(Rootfs.directory(Path.of("/srv/rootfs")));
        for (String d : dependencies) {
            b.dependsOn(d);
        }
        return b.build();
    }

    private void assertRejected(String field, String value, UnaryOperator<SandboxConfig.Builder> change)
            throws IOException {
        SandboxConfig config = change.apply(SandboxConfig.builder().id("sb").hypervisor(hypervisor()))
                .build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, config::validate);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(value, e.value(), e.getMessage());
    }

    @Test
    void badResourcesVolumesContainersAndHooksAreRejectedNamingTheField() throws IOException {
        Path sh = Path.of("/bin/sh");
        assertRejected("resources.vcpus", "5", b -> b.resources(new SandboxResources(5, 0)));
        assertRejected("resources.memoryMib", "2048", b -> b.resources(new SandboxResources(0, 2048)));
        assertRejected("resources.memoryMib", "32", b -> b.resources(new SandboxResources(2, 32)));
        assertRejected(
                "containers[1].id", "web", b -> b.container(container("web")).container(container("web")));
        assertRejected(
                "containers[0].cmd.args",
                "[]",
                b -> b.container(ContainerConfig.builder()
                        .id("web")
                        .cmd(Cmd.builder().build())
                        .rootfs(Rootfs.directory(Path.of("/srv/rootfs")))
                        .build()));
        assertRejected("containers.dependencies", "db", b -> b.container(container("web", "db")));
        assertRejected(
                "containers.dependencies",
                "a -> b -> a",
                b -> b.container(container("a", "b")).container(container("b", "a")));
        assertRejected("volumes[0].mountTag", "vc4j-shared", b -> b.volume(new Volume("vc4j-shared", dir)));
        assertRejected(
                "hooks.prestart[0].path",
                "relative/hook",
                b -> b.hooks(new Hooks(List.of(Hook.of(Path.of("relative/hook"))), null, null)));
        assertRejected(
                "hooks.poststart[0].path",
                "/no/such/hook",
                b -> b.hooks(new Hooks(null, List.of(Hook.of(Path.of("/no/such/hook"))), null)));
        assertRejected(
                "hooks.poststop[0].env",
                "NOEQUALS",
                b -> b.hooks(new Hooks(null, null, List.of(new Hook(sh, null, List.of("NOEQUALS"), null)))));
        assertRejected(
                "hooks.poststop[1].timeout",
                "PT0S",
                b -> b.hooks(new Hooks(null, null, List.of(Hook.of(sh), new Hook(sh, null, null, Duration.ZERO)))));
    }

    @Test
    void resolvingFillsInTheDefaultHypervisorAndAppliesTheResourcesWithinItsBounds() throws IOException {
        HypervisorConfig fallback = hypervisor();
        SandboxConfig config = SandboxConfig.builder()
                .id("sb")
                .resources(new SandboxResources(3, 0))
                .build();

        SandboxConfig resolved = config.resolve(() -> fallback);

        assertEquals(3, resolved.hypervisor().vcpus());
        assertEquals(256, resolved.hypervisor().memoryMib(), "0 keeps the hypervisor's");
        assertEquals(4, resolved.hypervisor().maxVcpus());
        assertEquals(1024, resolved.hypervisor().maxMemoryMib());
        assertEquals(
                resolved,
                resolved.resolve(() -> {
                    throw new AssertionError("a config with a hypervisor needs no default");
                }),
                "resolving twice changes nothing");
        assertEquals(new SandboxResources(3, 0), resolved.resources());
    }

    @Test
    void aRecordWithoutTheNewerFieldsReadsThemAsEmpty() {
        SandboxConfig old = new SandboxConfig(
                "sb", "sb", null, AgentConfig.defaults(), NetworkConfig.none(), null, null, null, null, null);
        assertEquals(SandboxResources.HYPERVISOR_DEFAULTS, old.resources());
        assertEquals(List.of(), old.containers());
        assertEquals(Hooks.NONE, old.hooks());
    }
}
