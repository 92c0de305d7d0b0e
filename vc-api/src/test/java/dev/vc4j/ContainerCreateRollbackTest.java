package dev.vc4j;

import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerRecord;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.HotpluggedDrive;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.StorageSpec;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Each step of createContainer that fails undoes the steps before it, in reverse order, and nothing stays; where
 * a container's rootfs and bound host directories come from in the guest.
 */
class ContainerCreateRollbackTest {
    private static final VmRecord VM = new VmRecord(1, 1, Accelerator.TCG);
    private final SandboxStore store = mock(SandboxStore.class);
    private final Hypervisor hypervisor = mock(Hypervisor.class);
    private final Agent agent = mock(Agent.class);
    private final Vm vm = mock(Vm.class);
    private final AgentSession session = mock(AgentSession.class);
    private final SandboxRecord running = new SandboxRecord("sb", SandboxState.RUNNING, Instant.now(), VM, Map.of());
    private Sandbox sandbox;
    private Path image;
    private Path volume;
    private Path shared;

    @BeforeEach
    void createSandbox(@TempDir Path dir) throws IOException {
        Path kernel = Files.createFile(dir.resolve("vmlinux"));
        Path initrd = Files.createFile(dir.resolve("initrd.img"));
        image = Files.createFile(dir.resolve("rootfs.ext4"));
        volume = Files.createDirectory(dir.resolve("share"));
        SandboxConfig config = SandboxConfig.builder()
                .id("sb")
                .volume(new Volume("share", volume))
                .hypervisor(HypervisorConfig.builder()
                        .qemuBinary(Path.of("/bin/true"))
                        .kernel(kernel)
                        .initrd(initrd)
                        .build())
                .build();
        SandboxLock lock = mock(SandboxLock.class);
        when(store.roots()).thenReturn(new StoreRoots(dir.resolve("run"), dir.resolve("config")));
        when(store.runDir("sb")).thenReturn(dir.resolve("run/sbs/sb"));
        shared = dir.resolve("run/sbs/sb/shared");
        when(store.sharedDir("sb")).thenReturn(shared);
        when(store.lockNew("sb")).thenReturn(lock);
        when(store.lock(any(), anyBoolean())).thenReturn(lock);
        when(store.readState("sb")).thenReturn(Optional.of(running));
        when(vm.record()).thenReturn(VM);
        when(vm.isAlive()).thenReturn(true);
        when(vm.timeToControlReady()).thenReturn(Duration.ofMillis(10));
        when(vm.agentChannel()).thenReturn(AgentChannel.virtioSerial(dir.resolve("agent.sock")));
        when(hypervisor.start(any())).thenReturn(vm);
        when(agent.connect(any(), any(), any(), any())).thenReturn(session);
        // the OOM watch's poll fails at once, as on a closed session: no thread polls the mock forever
        when(session.awaitOomEvent(any())).thenThrow(new AgentException("GetOOMEvent", "closed", null));
        VirtContainers vc = VirtContainers.builder()
                .store(store)
                .hypervisor(hypervisor)
                .agent(agent)
                .network(mock(Network.class))
                .build();
        sandbox = vc.createSandbox(config);
        // the OOM watch's thread makes its one call before a test stubs the session: Mockito's stubbing is not
        // safe against a call from another thread (an UnfinishedStubbingException in make test)
        verify(session, timeout(5_000)).awaitOomEvent(any());
        clearInvocations(store);
    }

    private ContainerConfig blockContainer(Mount... mounts) {
        ContainerConfig.Builder config = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.blockDevice(image, "ext4"));
        List.of(mounts).forEach(config::mount);
        return config.build();
    }

    private HotpluggedDrive plugSucceeds() {
        HotpluggedDrive plugged = new HotpluggedDrive(Drive.raw(image), 3, "vc4j-drive-3", "vc4j-disk3", "vc4j-node3");
        when(vm.hotplugDrive(any())).thenReturn(plugged);
        return plugged;
    }

    @Test
    void theAgentWaitsForThePluggedDriveAndADriveThatNeverAppearsIsUnplugged() {
        HotpluggedDrive plugged = plugSucceeds();
        VcTimeoutException neverSeen = new VcTimeoutException(
                "waiting for the guest to see the drive `vc4j-drive-3`", Duration.ofSeconds(30), null);
        doThrow(neverSeen).when(session).createContainer(any());

        assertSame(neverSeen, assertThrows(VcTimeoutException.class, () -> sandbox.createContainer(blockContainer())));

        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(session).createContainer(spec.capture());
        assertEquals(
                List.of(StorageSpec.block("vc4j-drive-3", "ext4", "rootfs", Duration.ofSeconds(30))),
                spec.getValue().storages());
        verify(session, never()).runProcess(any());
        verify(vm).unplugDrive(plugged);
        verify(store).deleteContainer("sb", "c1");
    }

    @Test
    void theVmExportsTheSharedDirectoryFromBootOnAndTheAgentMountsItOnce() {
        ArgumentCaptor<VmSpec> vmSpec = ArgumentCaptor.forClass(VmSpec.class);
        verify(hypervisor).start(vmSpec.capture());
        assertEquals(shared, vmSpec.getValue().sharedDir());
        ArgumentCaptor<SandboxSetup> setup = ArgumentCaptor.forClass(SandboxSetup.class);
        verify(session).createSandbox(setup.capture());
        assertEquals(
                List.of(StorageSpec.ninep("vc4j-shared", "vc4j-shared")),
                setup.getValue().storages());
    }

    @Test
    void aDirectoryRootfsOutsideTheVolumesIsMountedInTheSharedDirectoryWhereTheGuestFindsIt(@TempDir Path elsewhere) {
        when(store.shareRootfs("sb", "c1", elsewhere, Rootfs.Access.READ_ONLY)).thenReturn(true);
        ContainerConfig outside = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(elsewhere).readOnly())
                .build();

        sandbox.createContainer(outside);

        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(session).createContainer(spec.capture());
        assertEquals(
                "/run/vc4j-agent/sandbox/vc4j-shared/c1/rootfs", spec.getValue().rootfsPath());
        verify(session, never())
                .createSandbox(SandboxSetup.builder()
                        .storage(StorageSpec.ninep("share", "share"))
                        .build());
    }

    @Test
    void whereTheHostCannotMountARootfsInAVolumeIsHandedToTheAgentWithoutLookingInTheGuest() {
        ContainerConfig inVolume = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(volume))
                .build();

        sandbox.createContainer(inVolume);

        verify(session)
                .createSandbox(SandboxSetup.builder()
                        .storage(StorageSpec.ninep("share", "share"))
                        .build());
        verify(session, never()).runProcess(any());
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(session).createContainer(spec.capture());
        assertEquals("/run/vc4j-agent/sandbox/share", spec.getValue().rootfsPath());
    }

    /** The source the guest binds the container's first mount from, after a create that succeeded. */
    private String firstMountSourceInTheGuest() {
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(session).createContainer(spec.capture());
        return spec.getValue().ociSpec().mounts().stream()
                .filter(m -> m.destination().equals("/data"))
                .findFirst()
                .orElseThrow()
                .source();
    }

    @Test
    void aBoundHostDirectoryIsMountedInTheSharedDirectoryReadOnlyAsItsOptionsSay(@TempDir Path data) {
        plugSucceeds();
        when(store.shareMount("sb", "c1", 0, data, Rootfs.Access.READ_ONLY)).thenReturn(true);

        sandbox.createContainer(blockContainer(Mount.bind(data, "/data", true)));

        assertEquals("/run/vc4j-agent/sandbox/vc4j-shared/c1/mounts/0", firstMountSourceInTheGuest());
        verify(session, never())
                .createSandbox(SandboxSetup.builder()
                        .storage(StorageSpec.ninep("share", "share"))
                        .build());
    }

    @Test
    void whereTheHostCannotMountABoundDirectoryInAVolumeTheGuestBindsItFromTheVolume() throws IOException {
        plugSucceeds();
        Path data = Files.createDirectory(volume.resolve("data"));

        sandbox.createContainer(blockContainer(Mount.bind(data, "/data", true)));

        verify(store).shareMount("sb", "c1", 0, data, Rootfs.Access.READ_ONLY);
        assertEquals("/run/vc4j-agent/sandbox/share/data", firstMountSourceInTheGuest());
    }

    @Test
    void whereTheHostCannotMountABoundDirectoryOutsideTheVolumesIsRefusedSayingSoAndNothingStays(@TempDir Path data) {
        HotpluggedDrive plugged = plugSucceeds();
        ContainerConfig config =
                blockContainer(new Mount("tmpfs", "/tmp", "tmpfs", null), Mount.bind(data, "/data", false));

        InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> sandbox.createContainer(config));

        assertEquals("mounts[1].source", bad.field());
        assertEquals(data.toString(), bad.value());
        assertTrue(bad.getMessage().contains("bind mount, which needs root"), bad.getMessage());
        verify(store).shareMount("sb", "c1", 1, data, Rootfs.Access.READ_WRITE);
        verify(vm).unplugDrive(plugged);
        verify(store).deleteContainer("sb", "c1");
        verify(session, never()).createContainer(any());
    }

    @Test
    void agentFailureUnplugsTheDriveAndRemovesTheFiles() {
        HotpluggedDrive plugged = plugSucceeds();
        AgentException refused = new AgentException("CreateContainer", "no crun", null);
        doThrow(refused).when(session).createContainer(any());

        assertSame(refused, assertThrows(AgentException.class, () -> sandbox.createContainer(blockContainer())));

        InOrder order = inOrder(store, vm);
        order.verify(store).createContainerConfig("sb", blockContainer());
        order.verify(vm).hotplugDrive(Drive.raw(image));
        order.verify(vm).unplugDrive(plugged);
        order.verify(store).deleteContainer("sb", "c1");
        verify(store, never()).writeContainerState(any(), any());
        verify(store, never()).writeState(any());
    }

    @Test
    void hotplugFailureRemovesTheFilesAndLeavesTheSandboxsStateAlone() {
        HypervisorException noPort = new HypervisorException("no free root port");
        when(vm.hotplugDrive(any())).thenThrow(noPort);

        assertSame(noPort, assertThrows(HypervisorException.class, () -> sandbox.createContainer(blockContainer())));

        verify(store).deleteContainer("sb", "c1");
        verify(store, never()).writeState(any());
        verify(session, never()).createContainer(any());
    }

    @Test
    void stateWriteFailureRemovesTheContainerFromTheGuestAndUndoesTheRest() {
        HotpluggedDrive plugged = plugSucceeds();
        StorageException full = new StorageException("no space left", Path.of("/run/state.json"), null);
        doThrow(full).when(store).writeContainerState(any(), any(ContainerRecord.class));

        assertSame(full, assertThrows(StorageException.class, () -> sandbox.createContainer(blockContainer())));

        InOrder order = inOrder(session, vm, store);
        order.verify(session).removeContainer("c1");
        order.verify(vm).unplugDrive(plugged);
        order.verify(store).deleteContainer("sb", "c1");
    }

    @Test
    void whereTheHostCannotMountARootfsOutsideTheVolumesIsRefusedSayingSoAndNothingStays(@TempDir Path elsewhere) {
        ContainerConfig outside = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(elsewhere))
                .build();

        InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> sandbox.createContainer(outside));

        assertEquals("rootfs.source", bad.field());
        assertEquals(elsewhere.toString(), bad.value());
        assertTrue(bad.getMessage().contains("bind mount, which needs root"), bad.getMessage());
        verify(store).shareRootfs("sb", "c1", elsewhere, Rootfs.Access.READ_WRITE);
        verify(store).deleteContainer("sb", "c1");
        verify(session, never()).createContainer(any());
    }

    @Test
    void whereTheHostCannotMountAReadOnlyRootfsInAVolumeIsRefusedTheVolumeIsTheGuestsToWrite() {
        ContainerConfig readOnly = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(volume).readOnly())
                .build();

        InvalidConfigException bad =
                assertThrows(InvalidConfigException.class, () -> sandbox.createContainer(readOnly));

        assertEquals("rootfs.access", bad.field());
        verify(store).deleteContainer("sb", "c1");
        verify(session, never()).createContainer(any());
    }

    @Test
    void aMissingDirectoryIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-rootfs");
        ContainerConfig config = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(missing))
                .build();

        InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> sandbox.createContainer(config));

        assertEquals("rootfs.source", bad.field());
        assertEquals(missing.toString(), bad.value());
        verify(store, never()).createContainerConfig(any(), any());
        verify(store, never()).shareRootfs(any(), any(), any(), any());
        verify(session, never()).createContainer(any());
    }
}
