package dev.vc4j.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.GuestCommand;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.Volume;
import dev.vc4j.spi.LogContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one real sandbox's life writes to the log, read at every level from every logger: the lifecycle at INFO
 * with the sandbox and container ids in the MDC (the waiter's and the QMP reader's lines too), no secret of its
 * config anywhere, and the agent's error text escaped.
 */
class LoggingIT {
    private static final String SECRET = "secret-" + UUID.randomUUID();
    /** A program name the agent cannot exec: it quotes it back in its error, with a newline and an ESC. */
    private static final String BAD_PROGRAM = "no-such\n\u001b[31mprogram";
    /** vc4j's loggers whose every line is about a sandbox (the agent connection's reader thread too). */
    private static final Set<String> SANDBOX_LOGGERS = Set.of(
            "dev.vc4j.sandbox",
            "dev.vc4j.container",
            "dev.vc4j.hooks",
            "dev.vc4j.events",
            "dev.vc4j.qemu",
            "dev.vc4j.qemu.qmp",
            "dev.vc4j.agent",
            "dev.vc4j.agent.rpc");

    @Test
    void aSandboxsLifeIsLoggedWithItsIdsAndWithoutItsSecrets() throws Exception {
        Path dir = Files.createTempDirectory("vc4j-it-logging");
        Path rootfs = HostRootfs.make(Files.createDirectory(dir.resolve("rootfs")));
        Hook failing = new Hook(
                script(dir, "exit 1"), List.of("poststart", "--token", SECRET), List.of("TOKEN=" + SECRET), null);
        String id = TestStore.uniqueId("logging");
        List<ILoggingEvent> events;
        try (LogCapture log = new LogCapture()) {
            Sandbox sandbox = TestStore.virtContainers()
                    .createSandbox(SandboxConfig.builder()
                            .id(id)
                            .annotation("token", SECRET)
                            .volume(new Volume("rootfs", rootfs))
                            .hooks(new Hooks(List.of(), List.of(failing), List.of()))
                            .build());
            try {
                sandbox.start();
                assertEquals(
                        0,
                        sandbox.exec(GuestCommand.builder()
                                        .args("sh", "-c", "test \"$TOKEN\" = " + SECRET)
                                        .env("TOKEN", SECRET)
                                        .build())
                                .exitCode());
                assertThrows(InvalidConfigException.class, () -> sandbox.exec(BAD_PROGRAM));
                Container app = sandbox.createContainer(ContainerConfig.builder()
                        .id("app")
                        .rootfs(Rootfs.directory(rootfs))
                        .annotation("token", SECRET)
                        .cmd(Cmd.builder()
                                .args("sh", "-c", "test \"$API_TOKEN\" = " + SECRET + " && exit 3")
                                .env("API_TOKEN", SECRET)
                                .build())
                        .build());
                app.start();
                assertEquals(3, awaitStopped(app), "the container saw its secret env value");
                app.delete();
                sandbox.stop();
            } finally {
                if (sandbox.status().state() == SandboxState.RUNNING) {
                    sandbox.stop(StopMode.IMMEDIATE);
                }
                sandbox.delete();
                HostRootfs.remove(dir);
            }
            events = log.events();
        }

        List<String> sandboxInfo = messages(events, Level.INFO, "dev.vc4j.sandbox", id, null);
        for (String line : List.of(
                "sandbox created in ",
                "sandbox started in ",
                "guest command sh ended with exit code 0",
                "sandbox stopped in ",
                "sandbox deleted in ")) {
            assertTrue(sandboxInfo.stream().anyMatch(m -> m.startsWith(line)), line + " in " + sandboxInfo);
        }
        List<String> containerInfo = messages(events, Level.INFO, "dev.vc4j.container", id, "app");
        for (String line : List.of(
                "container created in ",
                "container started in ",
                "container exited with code 3",
                "container deleted in ")) {
            assertTrue(containerInfo.stream().anyMatch(m -> m.startsWith(line)), line + " in " + containerInfo);
        }
        assertTrue(
                events.stream()
                        .anyMatch(about(id, "app")
                                .and(e -> e.getThreadName().startsWith("vc4j-exit-"))
                                .and(e -> e.getFormattedMessage().startsWith("container exited"))),
                "the waiter's line names both");
        assertTrue(
                events.stream()
                        .anyMatch(about(id, null).and(e -> e.getThreadName().startsWith("qmp-reader"))),
                "the QMP reader's lines name the sandbox");
        assertTrue(
                events.stream()
                        .anyMatch(about(id, null)
                                .and(e -> e.getLevel() == Level.WARN)
                                .and(e -> e.getFormattedMessage()
                                        .matches("poststart hook \\S+ exited with status 1 after \\d+ ms"))),
                "the failed hook is a warning naming it by its path");
        assertEquals(
                List.of(),
                events.stream()
                        .filter(e -> SANDBOX_LOGGERS.contains(e.getLoggerName()))
                        .filter(e -> !e.getMDCPropertyMap().containsKey(LogContext.SANDBOX))
                        .map(LogCapture::everything)
                        .toList(),
                "lines of vc4j's sandbox loggers that name no sandbox");

        assertEquals(
                List.of(),
                events.stream()
                        .map(LogCapture::everything)
                        .filter(l -> l.contains(SECRET))
                        .toList(),
                "lines with a secret in them");

        List<String> rejected = messages(events, Level.DEBUG, "dev.vc4j.agent.rpc", id, null).stream()
                .filter(m -> m.startsWith("RunProcess failed"))
                .toList();
        assertEquals(1, rejected.size(), rejected.toString());
        assertTrue(rejected.get(0).contains("no-such\\n\\x1b[31mprogram"), rejected.get(0));
        assertEquals(
                List.of(),
                events.stream()
                        .map(LogCapture::everything)
                        .filter(l -> l.contains("\u001b"))
                        .toList(),
                "lines with an unescaped ESC in them");
    }

    /** The messages of {@code logger} at {@code level} about sandbox {@code sandboxId} and container {@code cid}. */
    private static List<String> messages(
            List<ILoggingEvent> events, Level level, String logger, String sandboxId, String cid) {
        return events.stream()
                .filter(about(sandboxId, cid))
                .filter(e -> e.getLevel() == level)
                .filter(e -> e.getLoggerName().equals(logger))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Lines whose MDC names the sandbox and the container ({@code cid} null: no container). */
    private static Predicate<ILoggingEvent> about(String sandboxId, String cid) {
        return e -> sandboxId.equals(e.getMDCPropertyMap().get(LogContext.SANDBOX))
                && Objects.equals(cid, e.getMDCPropertyMap().get(LogContext.CONTAINER));
    }

    /** The exit code, once the container's waiter has recorded it. */
    private static int awaitStopped(Container container) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (container.status().state() != ContainerState.STOPPED) {
            assertTrue(System.nanoTime() < deadline, "the container did not stop within 60 s");
            Thread.sleep(100);
        }
        return container.status().exitCode();
    }

    private static Path script(Path dir, String body) throws Exception {
        Path script = dir.resolve("hook.sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
