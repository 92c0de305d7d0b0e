package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.ErrorCode;
import dev.vc4j.GuestCommand;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.NotFoundException;
import dev.vc4j.spi.SandboxSetup;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each kind of error the real agent sends, through its grpc-status-details-bin trailer, to the typed exception:
 * the field, value and resource come from the trailer's structure, the guest's text escaped. The kinds that need a
 * container (ALREADY_EXISTS, a missing process) are in {@link HostModeContainerTest}, the network's in
 * {@link HostModeNetworkTest}; a lost connection in {@link HostModeAgentTest}.
 */
class HostModeErrorsTest extends HostModeFixture {
    private static final int COPY_FILE_MAX = 1 << 20;

    @Test
    void aRejectedValueWithABackquoteAndControlCharactersComesBackWhole() {
        session = connect();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> session.runProcess(GuestCommand.of("no`such\n\u001b[31mcmd`: x", "arg")));
        assertEquals("argv", e.field());
        assertEquals("no`such\\n\\x1b[31mcmd`: x", e.value());
        assertEquals(
                "invalid argv `no`such\\n\\x1b[31mcmd`: x`: cannot exec it: No such file or directory", e.getMessage());
    }

    @Test
    void aFieldOfAListIsNamedByItsIndex() {
        session = connect();
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> session.createSandbox(SandboxSetup.builder()
                        .dnsServer("10.0.2.3")
                        .dnsServer("10.0.2.4\u0007")
                        .build()));
        assertEquals("dns_servers[1]", e.field());
        assertEquals("10.0.2.4\\x07", e.value());
        assertEquals("invalid dns_servers[1] `10.0.2.4\\x07`: not an IP address", e.getMessage());
    }

    @Test
    void aMissingContainerIsNotFoundNamingIt() {
        session = connect();
        NotFoundException e = assertThrows(NotFoundException.class, () -> session.startContainer("no-such-ctr"));
        assertEquals("container", e.kind());
        assertEquals("no-such-ctr", e.id());
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void aRefusalNamingNoFieldIsAnAgentExceptionWithTheAgentsKind() {
        session = connect();
        AgentException e =
                assertThrows(AgentException.class, () -> session.copyFile("big", new byte[COPY_FILE_MAX + 1], 0));
        assertEquals(ErrorCode.AGENT_FAILED, e.code());
        assertEquals("CopyFile", e.rpc());
        assertEquals("agent CopyFile: LIMIT_EXCEEDED: file `big` of 1048577 bytes exceeds 1048576", e.getMessage());
    }
}
