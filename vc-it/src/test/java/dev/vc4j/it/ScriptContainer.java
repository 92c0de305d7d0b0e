package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A container that runs one shell script to its end in a sandbox. */
final class ScriptContainer {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ScriptContainer() {}

    /** Runs {@code script} with {@code sh -c} on {@code rootfs}, asserts it exits 0, deletes it; returns its stdout. */
    static String run(Sandbox s, Path rootfs, String script) throws Exception {
        Container c = s.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .rootfs(Rootfs.directory(rootfs))
                .cmd(Cmd.builder().args("sh", "-c", script).build())
                .build());
        try (ContainerProcess p = c.process()) {
            c.start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(WAIT), out);
            c.waitForExit(WAIT);
            c.delete();
            return out;
        }
    }
}
