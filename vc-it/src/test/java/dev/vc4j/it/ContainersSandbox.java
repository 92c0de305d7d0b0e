package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.DeleteMode;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.NotFoundException;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxEvent;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The one real VM that ContainersIT and RunningContainersIT share ({@code @RegisterExtension static final
 * ContainersSandbox SHARED = new ContainersSandbox();}): a sandbox with a busybox rootfs the host shares over
 * virtio-9p, booted by the first of them to run and deleted, leaving nothing, after the last (or at the end of
 * the run when only one of them runs). The containers a test made are deleted after it.
 */
final class ContainersSandbox implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<Class<?>> USERS = Set.of(ContainersIT.class, RunningContainersIT.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Booted.class);
    private static final Set<Class<?>> finished = new HashSet<>();

    private final List<Container> made = new ArrayList<>();
    private Booted booted;

    @Override
    public void beforeAll(ExtensionContext context) {
        booted = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Booted.class, k -> Booted.boot(), Booted.class);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (Container c : made) {
            try {
                c.delete(DeleteMode.FORCE);
            } catch (NotFoundException alreadyDeleted) {
                // the test deleted it itself
            }
            assertFalse(Files.exists(containerDir(TestStore.ROOTS.run(), c.id())), "run files of " + c.id());
            assertFalse(Files.exists(containerDir(TestStore.ROOTS.config(), c.id())), "config files of " + c.id());
        }
        made.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        finished.add(context.getRequiredTestClass());
        if (finished.containsAll(USERS)) {
            // deleted now: left to the end of the run, the VM would idle through every later IT
            context.getRoot()
                    .getStore(NAMESPACE)
                    .remove(Booted.class, Booted.class)
                    .close();
        }
    }

    Sandbox sandbox() {
        return booted.sandbox;
    }

    VirtContainers vc() {
        return booted.vc;
    }

    Path rootfs() {
        return booted.rootfs;
    }

    /** {@code c}, to delete after the test. */
    Container track(Container c) {
        made.add(c);
        return c;
    }

    Container create(ContainerConfig.Builder builder, String... args) {
        return track(booted.sandbox.createContainer(
                builder.cmd(Cmd.builder().args(args).build())
                        .rootfs(Rootfs.directory(booted.rootfs))
                        .build()));
    }

    Container create(String... args) {
        return create(ContainerConfig.builder().id(TestStore.uniqueId("c")), args);
    }

    /** The sandbox's events of {@code c} so far, such as {@code EXIT(7)}. */
    List<String> eventsOf(Container c) throws InterruptedException {
        Thread.sleep(500); // events are delivered on their own thread
        return booted.events.stream()
                .filter(e -> c.id().equals(e.containerId()))
                .map(e -> e.type() + (e.exitCode() == null ? "" : "(" + e.exitCode() + ")"))
                .toList();
    }

    static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private Path containerDir(Path root, String containerId) {
        return root.resolve("sbs")
                .resolve(booted.sandbox.id())
                .resolve("containers")
                .resolve(containerId);
    }

    private record Booted(Path rootfs, VirtContainers vc, Sandbox sandbox, List<SandboxEvent> events)
            implements ExtensionContext.Store.CloseableResource {
        static Booted boot() {
            Path rootfs;
            try {
                rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-rootfs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                VirtContainers vc = TestStore.virtContainers();
                // one root port: a second block rootfs can only be plugged once the first one's drive is unplugged
                Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("ctrs"))
                        .hypervisor(
                                HypervisorConfig.builder().hotplugRootPorts(1).build())
                        .volume(new Volume("rootfs", rootfs))
                        .build());
                List<SandboxEvent> events = new CopyOnWriteArrayList<>();
                sandbox.onEvent(events::add);
                return new Booted(rootfs, vc, sandbox, events);
            } catch (RuntimeException e) {
                try {
                    HostRootfs.remove(rootfs);
                } catch (IOException | RuntimeException notRemoved) {
                    e.addSuppressed(notRemoved);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                TestStore.deleteLeavingNothing(sandbox);
            } finally {
                HostRootfs.remove(rootfs);
            }
        }
    }
}
