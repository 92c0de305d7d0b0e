package dev.vc4j;

import dev.vc4j.spi.Agent;
import dev.vc4j.spi.AgentChannel;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Network;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Each step of createSandbox (and of a start: its boot, its prestart hooks) that fails undoes the steps before it,
 * in reverse order.
 */
class CreateRollbackTest {
    private final SandboxStore store = mock(SandboxStore.class);
    private final Hypervisor hypervisor = mock(Hypervisor.class);
    private final Agent agent = mock(Agent.class);
    private final Network network = mock(Network.class);
    private final Vm vm = mock(Vm.class);
    private final SandboxLock lock = mock(SandboxLock.class);
    private SandboxConfig config;
    private VirtContainers vc;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Path kernel = Files.createFile(dir.resolve("vmlinux"));
        Path initrd = Files.createFile(dir.resolve("initrd.img"));
        config = SandboxConfig.builder()
                .id("sb")
                .hypervisor(HypervisorConfig.builder()
                        .qemuBinary(Path.of("/bin/true"))
                        .kernel(kernel)
                        .initrd(initrd)
                        .build())
                .build();
        when(store.roots()).thenReturn(new StoreRoots(dir.resolve("run"), dir.resolve("config")));
        when(store.runDir("sb")).thenReturn(dir.resolve("run/sbs/sb"));
        when(store.lockNew("sb")).thenReturn(lock);
        when(vm.record()).thenReturn(new VmRecord(1, 1, Accelerator.TCG));
        when(vm.timeToControlReady()).thenReturn(Duration.ofMillis(10));
        when(vm.agentChannel()).thenReturn(AgentChannel.virtioSerial(dir.resolve("agent.sock")));
        vc = VirtContainers.builder()
                .store(store)
                .hypervisor(hypervisor)
                .agent(agent)
                .network(network)
                .build();
    }

    @Test
    void networkFailureRemovesTheStoredConfig() {
        when(network.attach(any(), any(), any()))
                .thenThrow(new InvalidConfigException("network", "x", "no such network"));

        assertThrows(InvalidConfigException.class, () -> vc.createSandbox(config));

        InOrder order = inOrder(store, lock);
        order.verify(store).createConfig(config);
        order.verify(store).delete("sb");
        order.verify(lock).close();
        verify(hypervisor, never()).start(any());
    }

    @Test
    void hypervisorFailureTakesBackTheNetworkAndRemovesTheStoredConfig() {
        HypervisorException boom = new HypervisorException("no QEMU");
        when(hypervisor.start(any())).thenThrow(boom);

        assertSame(boom, assertThrows(HypervisorException.class, () -> vc.createSandbox(config)));

        InOrder order = inOrder(store, network, lock);
        order.verify(store).createConfig(config);
        order.verify(network).attach(eq("sb"), any(), eq(config.network()));
        order.verify(network).detach(eq("sb"), any());
        order.verify(store).delete("sb");
        order.verify(lock).close();
    }

    @Test
    void agentFailureStopsTheVmThenRemovesTheStoredConfig() {
        when(hypervisor.start(any())).thenReturn(vm);
        when(agent.connect(any(), any(), any(), any())).thenThrow(new AgentException("connect", "no answer", null));

        assertThrows(AgentException.class, () -> vc.createSandbox(config));

        InOrder order = inOrder(vm, store, lock);
        order.verify(vm).stop(Duration.ZERO);
        order.verify(store).delete("sb");
        order.verify(lock).close();
    }

    @Test
    void stateWriteFailureClosesTheAgentStopsTheVmAndRemovesEverything() {
        AgentSession session = bootSucceeds();
        StorageException full = new StorageException("cannot write", Path.of("state.json"), null);
        doThrow(full).when(store).writeState(any());

        assertSame(full, assertThrows(StorageException.class, () -> vc.createSandbox(config)));

        verifyAgentClosedThenVmStoppedThenStoreDeleted(session);
    }

    @Test
    void lockFailureTouchesNothingElse() {
        StorageException denied = new StorageException("cannot open lock file", Path.of("lock"), null);
        when(store.lockNew("sb")).thenThrow(denied);

        assertSame(denied, assertThrows(StorageException.class, () -> vc.createSandbox(config)));

        verify(store, never()).createConfig(any());
        verify(store, never()).delete(any());
        verify(hypervisor, never()).start(any());
    }

    @Test
    void configWriteFailureRemovesTheDirectoriesAndStartsNothing() {
        StorageException full = new StorageException("cannot write", Path.of("config.json"), null);
        doThrow(full).when(store).createConfig(config);

        assertSame(full, assertThrows(StorageException.class, () -> vc.createSandbox(config)));

        InOrder order = inOrder(store, lock);
        order.verify(store).delete("sb");
        order.verify(lock).close();
        verify(hypervisor, never()).start(any());
    }

    @Test
    void runSandboxThatFailsToStartDeletesTheSandbox() {
        AgentSession session = bootSucceeds();
        when(store.lock("sb", true)).thenReturn(lock);
        SandboxRecord ready = new SandboxRecord("sb", SandboxState.READY, Instant.now(), vm.record(), Map.of());
        when(store.readState("sb")).thenReturn(Optional.of(ready));
        StorageException full = new StorageException("cannot write", Path.of("state.json"), null);
        doNothing().doThrow(full).when(store).writeState(any());

        assertSame(full, assertThrows(StorageException.class, () -> vc.runSandbox(config)));

        verifyAgentClosedThenVmStoppedThenStoreDeleted(session);
    }

    @Test
    void restartOfAStoppedSandboxThatFailsToConnectStopsTheNewVmAndStaysStopped() {
        when(store.exists("sb")).thenReturn(true);
        when(store.lock(any(), anyBoolean())).thenReturn(lock);
        when(store.readConfig("sb")).thenReturn(config);
        when(store.readState("sb"))
                .thenReturn(Optional.of(new SandboxRecord("sb", SandboxState.STOPPED, Instant.now(), null, Map.of())));
        when(hypervisor.start(any())).thenReturn(vm);
        when(agent.connect(any(), any(), any(), any())).thenThrow(new AgentException("connect", "no answer", null));

        assertThrows(AgentException.class, () -> vc.fetchSandbox("sb").start());

        verify(vm).stop(Duration.ZERO);
        verify(store, never()).writeState(any());
        verify(store, never()).delete(any());
    }

    @Test
    void restartWhosePrestartHookFailsStopsTheNewVmStaysStoppedAndRunsNoLaterHook() throws IOException {
        Path ran = dir.resolve("poststart-ran");
        SandboxConfig hooked = withHooks(script("prestart", "exit 1"), script("poststart", "touch " + ran));
        when(store.exists("sb")).thenReturn(true);
        when(store.lock(any(), anyBoolean())).thenReturn(lock);
        when(store.readConfig("sb")).thenReturn(hooked);
        when(store.readState("sb"))
                .thenReturn(Optional.of(new SandboxRecord("sb", SandboxState.STOPPED, Instant.now(), null, Map.of())));
        AgentSession session = bootSucceeds();

        assertThrows(HookException.class, () -> vc.fetchSandbox("sb").start());

        InOrder order = inOrder(session, vm);
        order.verify(session).close();
        order.verify(vm).stop(Duration.ZERO);
        verify(store, never()).writeState(any());
        assertFalse(Files.exists(ran), "the poststart hook ran");
    }

    @Test
    void aReadySandboxWhosePrestartHookFailsStaysReadyWithItsVm() throws IOException {
        SandboxConfig hooked = withHooks(script("prestart", "exit 1"), script("poststart", "exit 0"));
        when(store.lock(any(), anyBoolean())).thenReturn(lock);
        when(store.readConfig("sb")).thenReturn(hooked);
        SandboxRecord ready = new SandboxRecord("sb", SandboxState.READY, Instant.now(), vm.record(), Map.of());
        when(store.readState("sb")).thenReturn(Optional.of(ready));

        HookException e =
                assertThrows(HookException.class, () -> vc.fetchSandbox("sb").start());

        assertEquals(dir.resolve("prestart"), e.hook());
        verify(store, never()).writeState(any());
        verify(vm, never()).stop(any());
        verify(hypervisor, never()).start(any());
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private SandboxConfig withHooks(Path prestart, Path poststart) {
        return SandboxConfig.builder()
                .id("sb")
                .hypervisor(config.hypervisor())
                .hooks(new Hooks(List.of(Hook.of(prestart)), List.of(Hook.of(poststart)), List.of()))
                .build();
    }

    @Test
    void existingSandboxIsNeitherTouchedNorRemoved() {
        when(store.exists("sb")).thenReturn(true);

        assertThrows(AlreadyExistsException.class, () -> vc.createSandbox(config));

        verify(store, never()).lockNew(any());
        verify(store, never()).delete(any());
        verify(hypervisor, never()).start(any());
    }

    private AgentSession bootSucceeds() {
        AgentSession session = mock(AgentSession.class);
        when(hypervisor.start(any())).thenReturn(vm);
        when(hypervisor.isRunning(any())).thenReturn(true);
        when(agent.connect(any(), any(), any(), any())).thenReturn(session);
        // the OOM watch's poll fails at once, as on a closed session: no thread polls the mock forever
        when(session.awaitOomEvent(any())).thenThrow(new AgentException("GetOOMEvent", "closed", null));
        return session;
    }

    private void verifyAgentClosedThenVmStoppedThenStoreDeleted(AgentSession session) {
        InOrder order = inOrder(session, vm, store);
        order.verify(session).close();
        order.verify(vm).stop(Duration.ZERO);
        order.verify(store).delete("sb");
    }
}
