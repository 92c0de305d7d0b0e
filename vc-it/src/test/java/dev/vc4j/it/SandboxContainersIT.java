package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.ContainerStatus;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.SandboxResources;
import dev.vc4j.SandboxState;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sandbox config that lists its containers and host hooks: runSandbox boots the VM, runs the prestart hook,
 * starts the containers dependencies first, runs the poststart hook; stop runs the poststop hook.
 */
class SandboxContainersIT {

    @Test
    void runSandboxStartsTheListedContainersDependencyFirstBetweenItsHooks() throws Exception {
        Path dir = Files.createTempDirectory("vc4j-it-sbctrs");
        Path rootfs = HostRootfs.make(Files.createDirectory(dir.resolve("rootfs")));
        Path log = dir.resolve("hooks.log");
        VirtContainers vc = TestStore.virtContainers();
        List<SandboxEvent> events = new CopyOnWriteArrayList<>();
        vc.onEvent(events::add);
        // listed before its dependency: the start order comes from the dependencies, not the list
        ContainerConfig web = container("web", rootfs).dependsOn("db").build();
        ContainerConfig db = container("db", rootfs).build();
        Sandbox sandbox = vc.runSandbox(SandboxConfig.builder()
                .id(TestStore.uniqueId("sbctrs"))
                .volume(new Volume("rootfs", rootfs))
                .resources(new SandboxResources(2, 384))
                .container(web)
                .container(db)
                .hooks(new Hooks(
                        List.of(hook(dir, "prestart", log)),
                        List.of(hook(dir, "poststart", log)),
                        List.of(hook(dir, "poststop", log))))
                .build());
        try {
            assertEquals(SandboxState.RUNNING, sandbox.status().state());
            ContainerStatus dbStatus = sandbox.container("db").status();
            ContainerStatus webStatus = sandbox.container("web").status();
            assertEquals(ContainerState.RUNNING, dbStatus.state());
            assertEquals(ContainerState.RUNNING, webStatus.state());
            assertTrue(dbStatus.startedAt().isBefore(webStatus.startedAt()), dbStatus + " " + webStatus);
            List<String> starts = events.stream()
                    .filter(e ->
                            e.type() == SandboxEvent.Type.START && e.sandboxId().equals(sandbox.id()))
                    .map(e -> String.valueOf(e.containerId()))
                    .toList();
            assertEquals(List.of("null", "db", "web"), starts, "the sandbox, then db, then web");
            assertEquals("2", sandbox.exec("nproc").stdoutText().strip(), "resources.vcpus");

            String hooks = Files.readString(log);
            long vmPid = sandbox.status().hypervisorPid();
            assertEquals(
                    List.of("prestart created " + vmPid, "poststart running " + vmPid),
                    hooks.lines().map(SandboxContainersIT::summary).toList(),
                    hooks);
            sandbox.stop();
            hooks = Files.readString(log);
            assertEquals(
                    "poststop stopped 0",
                    summary(hooks.lines().reduce((a, b) -> b).orElseThrow()),
                    hooks);
        } finally {
            try {
                sandbox.delete();
            } finally {
                HostRootfs.remove(dir);
            }
        }
    }

    private static ContainerConfig.Builder container(String id, Path rootfs) {
        return ContainerConfig.builder()
                .id(id)
                .rootfs(Rootfs.directory(rootfs))
                .cmd(Cmd.builder().args("sleep", "1000").build());
    }

    /** A hook that appends its stage and the OCI state it read on stdin to {@code log}. */
    private static Hook hook(Path dir, String stage, Path log) throws Exception {
        Path script = dir.resolve(stage + ".sh");
        Files.writeString(script, "#!/bin/sh\nread -r state\necho \"" + stage + " $state\" >> " + log + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return Hook.of(script);
    }

    /** "stage status pid" of a log line. */
    private static String summary(String line) {
        String stage = line.substring(0, line.indexOf(' '));
        String status = line.replaceAll(".*\"status\":\"([a-z]+)\".*", "$1");
        String pid = line.replaceAll(".*\"pid\":([0-9]+).*", "$1");
        return stage + " " + status + " " + pid;
    }
}
