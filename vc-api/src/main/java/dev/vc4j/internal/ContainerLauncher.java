package dev.vc4j.internal;

import dev.vc4j.ContainerConfig;
import dev.vc4j.Drive;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Rootfs;
import dev.vc4j.Volume;
import dev.vc4j.oci.Spec;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.HotpluggedDrive;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.StorageSpec;
import dev.vc4j.spi.Vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates a sandbox's containers: checks a {@link ContainerConfig} against the others, records it, and turns it
 * into what the guest agent creates: the OCI spec and where the root comes from. Callers hold the sandbox's
 * exclusive lock.
 *
 * <p>A directory rootfs is bind-mounted into the sandbox's shared directory, which the guest has mounted since
 * boot, and leaves with the container's files (see {@link dev.vc4j.spi.SandboxStore#shareRootfs}). Where this
 * process may not mount (not root), a rootfs in one of the sandbox's volumes is taken from there instead: a
 * virtio-9p share can be mounted once per guest (a second mount is EBUSY), so the volume is mounted once for the
 * sandbox, by the agent on first use, and each container's root is bound from a directory in it.
 *
 * <p>A block device is hot-plugged and found in the guest by its serial; the agent waits for it to appear, up to
 * a deadline given here. A plugged drive is found again in the VM's own list of drives, by any process; it
 * leaves with its container's delete, or with the VM.
 *
 * <p>The container's mounts reach the guest as {@link HostMounts} delivers them (a bound host directory through
 * the shared directory, as the rootfs), and its spec's hooks run as {@link SpecHooks} says: prestart and
 * createRuntime before anything of the container is in the guest.
 */
public final class ContainerLauncher {
    /**
     * How long the agent waits for a plugged drive: QEMU reports a plug done before the guest has probed the
     * device, which under TCG takes a second or more.
     */
    private static final Duration DEVICE_WAIT = Duration.ofSeconds(30);

    private final StoredSandbox stored;
    private final List<Volume> volumes;
    private final GuestLink link;
    private final SpecHooks hooks;

    public ContainerLauncher(StoredSandbox stored, List<Volume> volumes, GuestLink link, SpecHooks hooks) {
        this.stored = stored;
        this.volumes = volumes;
        this.link = link;
        this.hooks = hooks;
    }

    /** The hooks of the containers' specs that run on the host. */
    public SpecHooks hooks() {
        return hooks;
    }

    /**
     * Creates the container in the guest, ready to start, and persists its config and state: its rootfs
     * (a directory, shared, or a block device, plugged) mounted for it.
     * Every step is undone when a later one fails. The caller holds the exclusive lock and checked the state.
     */
    public void createRecorded(ContainerConfig config, SandboxRecord record) {
        String cid = config.id();
        List<ContainerConfig> all = new ArrayList<>();
        stored.containerIds().forEach(c -> all.add(stored.containerConfig(c)));
        all.add(config);
        StartOrder.of(all);
        checkRootfs(config);
        Undo undo = new Undo();
        try {
            stored.createContainerConfig(config);
            undo.push("remove the container's files and shared rootfs", () -> stored.deleteContainer(cid));
            plugRootfs(config, record, undo);
            AgentSession agent = link.session(record);
            create(config, record, agent);
            undo.push("remove the container from the guest", () -> agent.removeContainer(cid));
            stored.writeContainer(ContainerRecords.created(cid));
        } catch (RuntimeException | Error e) {
            undo.runAll(e);
            throw e;
        }
    }

    /**
     * Checks on the host what the guest would fail on later: a missing directory or device, a bind mount's source
     * that cannot reach the guest.
     */
    public static void checkRootfs(ContainerConfig config) {
        Path source = config.rootfs().source();
        if (config.rootfs().kind() == Rootfs.Kind.BLOCK_DEVICE) {
            rootfsDrive(config.rootfs()).validate("rootfs");
        } else if (!Files.isDirectory(source)) {
            throw new InvalidConfigException("rootfs.source", source, "no such directory");
        }
        HostMounts.check(config);
    }

    /** Plugs a block rootfs into the VM, registering the unplug; nothing for a directory rootfs. */
    private void plugRootfs(ContainerConfig config, SandboxRecord record, Undo undo) {
        if (config.rootfs().kind() != Rootfs.Kind.BLOCK_DEVICE) {
            return;
        }
        Vm target = link.vm(record);
        HotpluggedDrive plugged = target.hotplugDrive(rootfsDrive(config.rootfs()));
        undo.push("unplug the rootfs drive of " + config.id(), () -> target.unplugDrive(plugged));
    }

    /** A read-only rootfs is a read-only drive: the guest cannot write the image, whatever it mounts. */
    private static Drive rootfsDrive(Rootfs rootfs) {
        return switch (rootfs.access()) {
            case READ_WRITE -> Drive.raw(rootfs.source());
            case READ_ONLY -> new Drive(rootfs.source(), "raw", true);
            case THROW_AWAY_WRITES -> Drive.raw(rootfs.source()).withThrowAwayWrites();
        };
    }

    /**
     * The drive of a block rootfs as the VM lists it: the VM is the one record of what is plugged, so any
     * process or Sandbox object finds it.
     */
    private static Optional<HotpluggedDrive> pluggedRootfs(Vm vm, ContainerConfig config) {
        return vm.drives().stream()
                .filter(d -> d.drive().path().equals(config.rootfs().source()))
                .findFirst();
    }

    /**
     * Creates the container in the guest, its init process not started yet. A block rootfs missing from the
     * VM (a stopped container of a sandbox restarted with a new VM) is plugged again.
     */
    void create(ContainerConfig config, SandboxRecord record, AgentSession agent) {
        hooks.created(config, record.vm().pid());
        Spec guest = OciSpec.container(
                config,
                HostMounts.deliver(config, agent, (i, dir, ro) -> sharedMount(config.id(), i, dir, ro, agent)),
                SpecHooks.forGuest(config, agent));
        ContainerSpec.Builder spec = ContainerSpec.builder(config.id(), guest)
                .terminal(Boolean.TRUE.equals(guest.process().terminal()));
        if (config.rootfs().kind() == Rootfs.Kind.BLOCK_DEVICE) {
            Vm vm = link.vm(record);
            HotpluggedDrive drive =
                    pluggedRootfs(vm, config).orElseGet(() -> vm.hotplugDrive(rootfsDrive(config.rootfs())));
            String[] options =
                    config.rootfs().access() == Rootfs.Access.READ_ONLY ? new String[] {"ro"} : new String[0];
            spec.storage(StorageSpec.block(drive.serial(), config.rootfs().fsType(), "rootfs", DEVICE_WAIT, options));
        } else {
            spec.rootfsPath(sharedRootfs(config, agent));
        }
        agent.createContainer(spec.build());
    }

    /** Unplugs the container's rootfs drive, whoever plugged it; the caller checked that a VM is recorded. */
    public void unplugRootfs(ContainerConfig config, SandboxRecord record) {
        if (config.rootfs().kind() == Rootfs.Kind.BLOCK_DEVICE) {
            Vm vm = link.vm(record);
            pluggedRootfs(vm, config).ifPresent(vm::unplugDrive);
        }
    }

    /**
     * Where the guest finds a directory rootfs: in the shared directory, or where this process may not mount, in
     * the volume that holds it (mounted for the sandbox by the agent; it leaves a share it mounted before as it is).
     * The caller's undo removes the share with the container's files.
     */
    private String sharedRootfs(ContainerConfig config, AgentSession agent) {
        Path dir = config.rootfs().source().normalize();
        if (stored.shareRootfs(config.id(), dir, config.rootfs().access())) {
            return GuestSetup.SHARED_DIR + "/" + config.id() + "/rootfs";
        }
        Volume volume = volumeOf("rootfs.source", dir);
        if (config.rootfs().access() == Rootfs.Access.READ_ONLY) { // only a bind mount makes the volume read-only
            throw new InvalidConfigException(
                    "rootfs.access",
                    Rootfs.Access.READ_ONLY,
                    "a read-only directory"
                            + " rootfs is shared with the guest by a read-only bind mount, which needs root");
        }
        return inVolume(volume, dir, agent);
    }

    /**
     * Where the guest finds the host directory of the container's bind mount {@code index}: in the shared
     * directory, bound read-only on the host when the mount is, so that nothing in the guest can write it; or where
     * this process may not mount, in its volume (the guest alone makes it read-only). The caller's undo removes the
     * share with the container's files.
     */
    private String sharedMount(String cid, int index, Path hostDir, boolean readOnly, AgentSession agent) {
        Path dir = hostDir.normalize();
        if (stored.shareMount(cid, index, dir, readOnly ? Rootfs.Access.READ_ONLY : Rootfs.Access.READ_WRITE)) {
            return GuestSetup.SHARED_DIR + "/" + cid + "/mounts/" + index;
        }
        return inVolume(volumeOf("mounts[" + index + "].source", dir), dir, agent);
    }

    /**
     * Where the guest sees the host directory {@code dir} of {@code volume}: in the volume, which the agent mounts
     * for the sandbox on first use (it leaves a share it mounted before as it is).
     */
    private static String inVolume(Volume volume, Path dir, AgentSession agent) {
        agent.createSandbox(SandboxSetup.builder()
                .storage(StorageSpec.ninep(volume.mountTag(), volume.mountTag()))
                .build());
        String mounted = GuestSetup.GUEST_SANDBOX_DIR + "/" + volume.mountTag();
        Path inVolume = volume.hostPath().normalize().relativize(dir);
        return inVolume.toString().isEmpty() ? mounted : mounted + "/" + inVolume;
    }

    /** The volume that holds {@code dir}, for a host where this process may not mount. */
    private Volume volumeOf(String field, Path dir) {
        return volumes.stream()
                .filter(v -> dir.startsWith(v.hostPath().normalize()))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException(
                        field,
                        dir,
                        "is in none of the sandbox's volumes, and sharing"
                                + " it with the guest needs a bind mount, which needs root"));
    }
}
