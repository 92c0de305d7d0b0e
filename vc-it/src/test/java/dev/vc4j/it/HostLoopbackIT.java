package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** User mode with the host's loopback allowed: the gateway address leads to the host's 127.0.0.1. */
class HostLoopbackIT {
    @Test
    void withHostLoopbackAllowedTheGuestReachesTheHostThroughTheGateway() throws Exception {
        Sandbox sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("loop"))
                        .network(NetworkConfig.userMode().allowHostLoopback())
                        .build());
        try (HostHttpServer server = HostHttpServer.start()) {
            ExecResult r = sandbox.exec(GuestCommand.of(
                    "timeout", "60", "wget", "-q", "-O", "-", "http://10.0.2.2:" + server.port() + "/"));
            assertEquals(0, r.exitCode(), r.stderrText());
            assertEquals(HostHttpServer.BODY, r.stdoutText());
            assertEquals(1, server.requests());
        } finally {
            TestStore.deleteLeavingNothing(sandbox);
        }
    }
}
