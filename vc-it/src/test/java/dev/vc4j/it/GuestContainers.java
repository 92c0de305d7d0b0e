package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.Sandbox;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.spi.AgentSession;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the agent's container tests need from a sandbox: a busybox rootfs made inside the guest (9p shares and
 * block hotplug come with the QEMU driver's side), and an agent session of their own.
 */
final class GuestContainers {
    static final String ROOTFS = "/run/it-rootfs";

    private GuestContainers() {}

    /** Copies the guest's busybox to {@link #ROOTFS} with relative links for its applets. */
    static void makeBusyboxRootfs(Sandbox sandbox) {
        ExecResult made = sandbox.exec(
                "sh",
                "-c",
                "set -e; mkdir -p " + ROOTFS + "/bin " + ROOTFS + "/dev "
                        + ROOTFS + "/proc " + ROOTFS + "/tmp; cp /bin/busybox " + ROOTFS + "/bin/; cd " + ROOTFS
                        + "/bin; for a in $(./busybox --list); do [ $a = busybox ] || ln -s busybox $a; done");
        assertEquals(0, made.exitCode(), made.stderrText());
    }

    /** Releases the sandbox's agent connection (QEMU's chardev serves one client) and opens a new one. */
    static AgentSession takeOverAgent(Sandbox sandbox) {
        sandbox.close();
        Path socket = TestStore.ROOTS.run().resolve("sbs").resolve(sandbox.id()).resolve("agent.sock");
        return new GrpcAgent().connect(socket, sandbox.config().agent(), Duration.ofSeconds(30), () -> {});
    }
}
