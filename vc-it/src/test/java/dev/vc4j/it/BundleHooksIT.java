package dev.vc4j.it;

import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.GuestCommand;
import dev.vc4j.HookException;
import dev.vc4j.NotFoundException;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.oci.Hook;
import dev.vc4j.oci.Hooks;
import dev.vc4j.oci.State;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bundle's hooks on one real VM: prestart, createRuntime, poststart and poststop run on the host in order,
 * each with valid OCI state; a failing prestart hook fails the create and leaves nothing.
 */
class BundleHooksIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path bundles;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() throws IOException {
        bundles = Files.createTempDirectory("vc4j-it-hooks");
        sandbox = TestStore.virtContainers()
                .createSandbox(
                        SandboxConfig.builder().id(TestStore.uniqueId("hooks")).build());
    }

    @AfterAll
    static void delete() throws IOException {
        try {
            TestStore.deleteLeavingNothing(sandbox);
        } finally {
            HostRootfs.remove(bundles);
        }
    }

    /** A hook that appends its stage and the state it read to {@code log}, then exits with {@code exit}. */
    private static Hook hook(String stage, Path log, int exit) throws IOException {
        Path script = bundles.resolve(stage + ".sh");
        Files.writeString(
                script, "#!/bin/sh\nread -r state\necho \"" + stage + " $state\" >> " + log + "\nexit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return Hook.builder().path(script.toString()).args(stage).timeout(20).build();
    }

    @Test
    void theHostHooksRunInOrderEachWithValidOciState() throws Exception {
        Path log = bundles.resolve("hooks.log");
        Hooks hooks = Hooks.builder()
                .prestart(hook("prestart", log, 0))
                .createRuntime(hook("createRuntime", log, 0))
                .poststart(hook("poststart", log, 0))
                .poststop(hook("poststop", log, 0))
                .build();
        Path bundle = EngineBundle.make(
                bundles.resolve("hooked"),
                spec -> spec.annotations(Map.of("org.example/owner", "it")).hooks(hooks),
                "true");

        Container hooked = sandbox.createContainer(
                ContainerConfig.fromBundle(bundle).id("hooked").build());
        hooked.start();
        assertEquals(0, hooked.waitForExit(WAIT));
        hooked.delete();

        List<String> lines = Files.readAllLines(log);
        assertEquals(
                List.of("prestart", "createRuntime", "poststart", "poststop"),
                lines.stream().map(line -> line.substring(0, line.indexOf(' '))).toList(),
                lines.toString());
        List<String> statuses = List.of(State.CREATING, State.CREATING, State.RUNNING, State.STOPPED);
        long vmPid = sandbox.status().hypervisorPid();
        for (int i = 0; i < lines.size(); i++) {
            State state = State.parse(lines.get(i).substring(lines.get(i).indexOf(' ') + 1));
            assertEquals("hooked", state.id());
            assertEquals(statuses.get(i), state.status(), lines.get(i));
            assertEquals(vmPid, state.pid(), lines.get(i));
            assertEquals(bundle.toString(), state.bundle());
            assertEquals("it", state.annotations().get("org.example/owner"));
            assertTrue(state.ociVersion().startsWith("1."), state.ociVersion());
        }
    }

    @Test
    void aFailingPrestartHookFailsTheCreateNamingItAndLeavesNothing() throws Exception {
        Path log = bundles.resolve("refused.log");
        Hook failing = hook("refusing", log, 1);
        Path bundle = EngineBundle.make(
                bundles.resolve("refused"),
                spec -> spec.hooks(Hooks.builder().prestart(failing).build()),
                "true");

        HookException e = assertThrows(
                HookException.class,
                () -> sandbox.createContainer(
                        ContainerConfig.fromBundle(bundle).id("refused").build()));

        assertEquals(Path.of(failing.path()), e.hook());
        assertTrue(e.getMessage().contains(failing.path()) && e.getMessage().contains("status 1"), e.getMessage());
        assertThrows(NotFoundException.class, () -> sandbox.container("refused"));
        assertFalse(
                Files.exists(TestStore.ROOTS
                        .run()
                        .resolve("sbs")
                        .resolve(sandbox.id())
                        .resolve("containers")
                        .resolve("refused")),
                "run files of the refused container");
        assertFalse(
                Files.exists(TestStore.ROOTS
                        .config()
                        .resolve("sbs")
                        .resolve(sandbox.id())
                        .resolve("containers")
                        .resolve("refused")),
                "config files of the refused container");
        String inGuest = sandbox.exec(GuestCommand.of("ls", "/run/vc4j-agent")).stdoutText();
        assertFalse(inGuest.lines().anyMatch("refused"::equals), inGuest);
    }
}
