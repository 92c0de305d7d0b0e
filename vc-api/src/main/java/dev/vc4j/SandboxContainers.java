package dev.vc4j;

import dev.vc4j.internal.ContainerLauncher;
import dev.vc4j.internal.ContainerRuns;
import dev.vc4j.internal.Events;
import dev.vc4j.internal.GuestLink;
import dev.vc4j.internal.Logs;
import dev.vc4j.internal.StoredSandbox;
import dev.vc4j.spi.LogContext;
import dev.vc4j.spi.SandboxRecord;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The containers of one {@link Sandbox}: its handles on them, each wired to the sandbox's engine, and their
 * creation in the guest. Each call takes the sandbox's lock.
 */
final class SandboxContainers {
    private final StoredSandbox stored;
    private final GuestLink link;
    private final ContainerRuns runs;
    private final ContainerLauncher launcher;
    private final Events events;
    private final Duration callTimeout;

    SandboxContainers(
            StoredSandbox stored,
            GuestLink link,
            ContainerRuns runs,
            ContainerLauncher launcher,
            Events events,
            Duration callTimeout) {
        this.stored = stored;
        this.link = link;
        this.runs = runs;
        this.launcher = launcher;
        this.events = events;
        this.callTimeout = callTimeout;
    }

    List<Container> all() {
        try (var log = LogContext.sandbox(stored.id());
                var lock = stored.lock(false)) {
            return stored.containerIds().stream()
                    .map(cid -> handle(stored.containerConfig(cid)))
                    .toList();
        }
    }

    Container get(String containerId) {
        SandboxIds.check("containerId", containerId);
        try (var log = LogContext.sandbox(stored.id());
                var lock = stored.lock(false)) {
            return handle(stored.containerConfig(containerId));
        }
    }

    /** Needs the sandbox in one of {@code allowed}. */
    Container create(ContainerConfig containerConfig, Set<SandboxState> allowed) {
        Objects.requireNonNull(containerConfig, "containerConfig").validate();
        try (var log = LogContext.container(stored.id(), containerConfig.id());
                var lock = stored.lock(true)) {
            SandboxRecord record = stored.loadIn("create a container", allowed);
            launcher.createRecorded(containerConfig, record);
            events.publish(stored.id(), SandboxEvent.Type.CREATE, containerConfig.id(), null);
            Logs.CONTAINER.info("container created in {} ms", log.elapsedMillis());
            return handle(containerConfig);
        }
    }

    private Container handle(ContainerConfig containerConfig) {
        return new Container(containerConfig, stored, link, runs, launcher, events, callTimeout);
    }
}
