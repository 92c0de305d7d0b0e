package dev.vc4j.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.HookException;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxConfig;
import dev.vc4j.oci.Hook;
import dev.vc4j.oci.Hooks;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Spec;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.SandboxStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** A container spec's hooks: on the host as real scripts, with the OCI state; in the guest where they exist. */
class SpecHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecResult FOUND = new ExecResult(0, 0, new byte[0], new byte[0], false, false, false);
    private static final ExecResult MISSING = new ExecResult(1, 0, new byte[0], new byte[0], false, false, false);

    @TempDir
    Path dir;

    private final SandboxStore store = mock(SandboxStore.class);
    private final SpecHooks hooks = new SpecHooks(
            new StoredSandbox(store, SandboxConfig.builder().id("sb").build()), new Events());

    /** A hook that appends its name to the log and keeps the state it read in {@code <name>.json}. */
    private Hook recording(String name, String exit) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(
                script,
                "#!/bin/sh\necho " + name + " >> " + dir.resolve("log") + "\ncat > " + dir.resolve(name + ".json")
                        + "\nexit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return Hook.builder().path(script.toString()).timeout(10).build();
    }

    private ContainerConfig config(Hooks specHooks) {
        Spec spec = Spec.builder()
                .ociVersion("1.2.0")
                .process(OciProcess.builder().args("true").build())
                .annotations(Map.of("org.example/a", "1"))
                .hooks(specHooks)
                .build();
        return ContainerConfig.builder()
                .id("c1")
                .rootfs(Rootfs.directory(dir))
                .ociSpec(spec)
                .bundle(Path.of("/b"))
                .annotation("k", "v")
                .build();
    }

    private JsonNode state(String hook) throws IOException {
        return JSON.readTree(dir.resolve(hook + ".json").toFile());
    }

    @Test
    void hostHooksRunInTheirOrderEachWithTheContainersOciState() throws IOException {
        ContainerConfig config = config(Hooks.builder()
                .prestart(recording("prestart", "0"))
                .createRuntime(recording("createRuntime", "0"))
                .poststart(recording("poststart", "0"))
                .poststop(recording("poststop", "0"))
                .createContainer(recording("createContainer", "0"))
                .build());

        hooks.created(config, 4242);
        hooks.started(config, 4242);
        hooks.deleted(config, 4242);

        assertEquals("prestart\ncreateRuntime\npoststart\npoststop\n", Files.readString(dir.resolve("log")));
        assertEquals(
                JSON.readTree("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,"
                        + "\"bundle\":\"/b\",\"annotations\":{\"org.example/a\":\"1\",\"k\":\"v\"}}"),
                state("prestart"));
        assertEquals("creating", state("createRuntime").get("status").textValue());
        assertEquals("running", state("poststart").get("status").textValue());
        assertEquals("stopped", state("poststop").get("status").textValue());
    }

    @Test
    void aFailingPrestartHookIsThrownNamingItAndTheNextOnesDoNotRun() throws IOException {
        Hook failing = recording("prestart", "1");
        ContainerConfig config = config(Hooks.builder()
                .prestart(failing)
                .createRuntime(recording("createRuntime", "0"))
                .build());

        HookException e = assertThrows(HookException.class, () -> hooks.created(config, 1));

        assertEquals(Path.of(failing.path()), e.hook());
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertEquals("prestart\n", Files.readString(dir.resolve("log")));
    }

    @Test
    void aFailingPoststopHookIsOnlyReported() throws IOException {
        ContainerConfig config = config(Hooks.builder()
                .poststop(recording("poststop", "3"), recording("after", "0"))
                .build());

        hooks.deleted(config, 0);

        assertEquals("poststop\nafter\n", Files.readString(dir.resolve("log")));
    }

    @Test
    void theGuestGetsTheCreateContainerHooksItHasAndTheStartContainerHooksTheRootfsHas() throws IOException {
        Files.createDirectories(dir.resolve("usr/bin"));
        Files.createFile(dir.resolve("usr/bin/in-rootfs"));
        Hook inGuest = Hook.builder().path("/bin/true").build();
        Hook notInGuest =
                Hook.builder().path("/usr/libexec/oci/hooks.d/engine-hook").build();
        Hook inRootfs = Hook.builder().path("/usr/bin/in-rootfs").build();
        Hook notInRootfs = Hook.builder().path("/usr/bin/absent").build();
        AgentSession agent = mock(AgentSession.class);
        when(agent.runProcess(any()))
                .thenAnswer(call -> call.<GuestCommand>getArgument(0).argv().equals(List.of("test", "-x", "/bin/true"))
                        ? FOUND
                        : MISSING);

        Hooks guest = SpecHooks.forGuest(
                config(Hooks.builder()
                        .prestart(recording("prestart", "0"))
                        .createContainer(inGuest, notInGuest)
                        .startContainer(notInRootfs, inRootfs)
                        .build()),
                agent);

        assertEquals(
                Hooks.builder()
                        .createContainer(inGuest)
                        .startContainer(inRootfs)
                        .build(),
                guest);
        assertFalse(Files.exists(dir.resolve("log")), "no host hook ran");
        assertEquals(
                null,
                SpecHooks.forGuest(config(Hooks.builder().poststop(inGuest).build()), agent));
    }
}
