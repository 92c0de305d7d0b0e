package dev.vc4j.internal;

import dev.vc4j.ContainerConfig;
import dev.vc4j.GuestCommand;
import dev.vc4j.Hook;
import dev.vc4j.Rootfs;
import dev.vc4j.SandboxEvent;
import dev.vc4j.oci.Hooks;
import dev.vc4j.oci.State;
import dev.vc4j.spi.AgentSession;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The hooks of a container's OCI spec. prestart, createRuntime, poststart and poststop run on the host (as
 * {@link OciHooks} runs a sandbox's), with the container's OCI state on stdin: its pid is the VM's process, as for
 * the sandbox's hooks (the container's pid is one of the guest, which means nothing on the host, while the VM's
 * namespaces are the sandbox's), its bundle the config's bundle directory (else the sandbox's run directory).
 * prestart and createRuntime run before the container is created in the guest, so a failure leaves nothing there.
 * createContainer and startContainer go to the guest's crun, which runs them in the guest and in the container:
 * one whose program is not there is logged and left out, as crun would otherwise fail the create.
 */
public final class SpecHooks {

    private final StoredSandbox stored;
    private final Events events;

    public SpecHooks(StoredSandbox stored, Events events) {
        this.stored = stored;
        this.events = events;
    }

    /**
     * The hooks the guest runs for {@code config}, or null: createContainer ones whose program the guest has,
     * startContainer ones whose program is in the container's directory rootfs (a block rootfs cannot be looked
     * into from here: its hooks stay).
     */
    static Hooks forGuest(ContainerConfig config, AgentSession agent) {
        Hooks hooks = hooksOf(config);
        if (hooks == null || hooks.createContainer() == null && hooks.startContainer() == null) {
            return null;
        }
        Predicate<String> inGuest =
                path -> agent.runProcess(GuestCommand.of("test", "-x", path)).succeeded();
        Rootfs rootfs = config.rootfs();
        Predicate<String> inContainer = rootfs.kind() != Rootfs.Kind.DIRECTORY
                ? path -> true
                : path -> Files.exists(rootfs.source().resolve(path.substring(1)), LinkOption.NOFOLLOW_LINKS);
        return Hooks.builder()
                .createContainer(present(config.id(), "createContainer", hooks.createContainer(), inGuest))
                .startContainer(present(config.id(), "startContainer", hooks.startContainer(), inContainer))
                .build();
    }

    private static List<dev.vc4j.oci.Hook> present(
            String id, String stage, List<dev.vc4j.oci.Hook> hooks, Predicate<String> exists) {
        if (hooks == null) {
            return null;
        }
        List<dev.vc4j.oci.Hook> kept = new ArrayList<>();
        for (int i = 0; i < hooks.size(); i++) {
            if (exists.test(hooks.get(i).path())) {
                kept.add(hooks.get(i));
            } else {
                Logs.HOOKS.warn("container " + id + ": hooks." + stage + "[" + i + "] "
                        + hooks.get(i).path() + " is not in the "
                        + (stage.equals("createContainer") ? "guest" : "container's rootfs") + ": not run");
            }
        }
        return kept;
    }

    /** Before the container is created in the guest: its prestart then its createRuntime hooks; the first failure is thrown. */
    public void created(ContainerConfig config, long vmPid) {
        Hooks hooks = hooksOf(config);
        if (hooks != null) {
            List<Hook> all = new ArrayList<>(host(hooks.prestart()));
            all.addAll(host(hooks.createRuntime()));
            OciHooks.runAll("prestart and createRuntime", all, state(config, State.CREATING, vmPid));
        }
    }

    /** Once the container has started: its poststart hooks; a failure is logged and published. */
    public void started(ContainerConfig config, long vmPid) {
        Hooks hooks = hooksOf(config);
        if (hooks != null) {
            OciHooks.runEach(
                    "poststart", host(hooks.poststart()), state(config, State.RUNNING, vmPid), e -> failed(config));
        }
    }

    /** Once the container is deleted: its poststop hooks; a failure is logged and published. 0: no VM runs. */
    public void deleted(ContainerConfig config, long vmPid) {
        Hooks hooks = hooksOf(config);
        if (hooks != null) {
            OciHooks.runEach(
                    "poststop", host(hooks.poststop()), state(config, State.STOPPED, vmPid), e -> failed(config));
        }
    }

    /**
     * The poststop hooks of every container of the sandbox, read now, to run once the sandbox is deleted with its
     * containers. A config that cannot be read is logged: it does not hold up the delete.
     */
    public Runnable poststopOfEveryContainer() {
        List<ContainerConfig> configs = new ArrayList<>();
        for (String id : stored.containerIds()) {
            try {
                configs.add(stored.containerConfig(id));
            } catch (RuntimeException e) {
                Logs.HOOKS.warn("the poststop hooks of container {} cannot be read: {}", id, Logs.failure(e));
            }
        }
        return () -> configs.forEach(c -> deleted(c, 0));
    }

    private void failed(ContainerConfig config) {
        events.publish(stored.id(), SandboxEvent.Type.HOOK_FAILED, config.id(), null);
    }

    private String state(ContainerConfig config, String status, long pid) {
        Path bundle = config.bundle() != null ? config.bundle() : stored.runDir();
        return OciSpec.state(config.id(), status, pid, bundle, OciSpec.annotations(config))
                .toJson();
    }

    private static Hooks hooksOf(ContainerConfig config) {
        return config.ociSpec() == null ? null : config.ociSpec().hooks();
    }

    /** An OCI hook as the host runs it: without a timeout of its own, {@link Hook#DEFAULT_TIMEOUT}. */
    private static List<Hook> host(List<dev.vc4j.oci.Hook> hooks) {
        if (hooks == null) {
            return List.of();
        }
        return hooks.stream()
                .map(h -> new Hook(
                        Path.of(h.path()),
                        h.args(),
                        h.env(),
                        h.timeout() == null ? null : Duration.ofSeconds(h.timeout())))
                .toList();
    }
}
