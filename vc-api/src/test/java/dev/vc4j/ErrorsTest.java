package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One unchecked exception per stable code, each carrying what a caller needs to act on it. */
class ErrorsTest {

    @Test
    void everyCodeHasItsExceptionAndEachNamesWhatFailed() {
        NotFoundException notFound = new NotFoundException("container", "web");
        AlreadyExistsException exists = new AlreadyExistsException("sandbox", "sb1");
        InvalidConfigException config = new InvalidConfigException("hypervisor.kernel", Path.of("/k"), "no such file");
        InvalidStateException state =
                InvalidStateException.transition("sandbox", "sb1", SandboxState.STOPPED, SandboxState.PAUSED);
        VcTimeoutException timeout = new VcTimeoutException("agent RPC CreateContainer", Duration.ofSeconds(30), null);
        HypervisorException hypervisor = new HypervisorException("QEMU exited with status 1");
        NetworkException network = new NetworkException("passt exited with status 1");
        AgentException agent = new AgentException("RunProcess", "no answer", null);
        AgentException unreachable = AgentException.unreachable("WaitProcess", "UNAVAILABLE: connection closed", null);
        StorageException storage = new StorageException("cannot write", Path.of("/run/vc4j/sbs/sb1/state.json"), null);
        HookException hook = new HookException(Path.of("/etc/hooks/net"), "exited with status 2", null);
        List<VcException> all = List.of(
                notFound, exists, config, state, timeout, hypervisor, network, agent, unreachable, storage, hook);

        Set<ErrorCode> codes = EnumSet.noneOf(ErrorCode.class);
        all.forEach(e -> codes.add(e.code()));
        assertEquals(EnumSet.allOf(ErrorCode.class), codes, "a code without its exception, or two sharing one");
        all.forEach(e -> assertTrue(e instanceof RuntimeException));

        assertEquals("container", notFound.kind());
        assertEquals("web", notFound.id());
        assertEquals("sb1", exists.id());
        assertEquals("hypervisor.kernel", config.field());
        assertEquals("/k", config.value());
        assertEquals(SandboxState.STOPPED, state.current());
        assertEquals("paused", state.wanted());
        assertEquals("agent RPC CreateContainer", timeout.operation());
        assertEquals("RunProcess", agent.rpc());
        assertEquals("WaitProcess", unreachable.rpc());
        assertEquals("agent WaitProcess: UNAVAILABLE: connection closed", unreachable.getMessage());
        assertEquals(Path.of("/run/vc4j/sbs/sb1/state.json"), storage.path());
        assertTrue(storage.getMessage().contains("/run/vc4j/sbs/sb1/state.json"), storage.getMessage());
        assertEquals(Path.of("/etc/hooks/net"), hook.hook());
    }
}
