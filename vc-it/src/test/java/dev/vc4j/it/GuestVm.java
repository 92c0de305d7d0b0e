package dev.vc4j.it;

import dev.vc4j.AgentConfig;
import dev.vc4j.Drive;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import dev.vc4j.agent.GrpcAgent;
import dev.vc4j.qemu.QemuHypervisor;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A real VM driven through the hypervisor SPI, without the sandbox lifecycle around it, and a session with
 * its agent for looking inside: the driver's own features are tested through what the guest sees.
 */
final class GuestVm implements AutoCloseable {
    final Vm vm;
    final AgentSession agent;
    final Path runDir;

    private GuestVm(Vm vm, AgentSession agent, Path runDir) {
        this.vm = vm;
        this.agent = agent;
        this.runDir = runDir;
    }

    static GuestVm boot(String name, HypervisorConfig config, List<Volume> volumes, List<Drive> drives)
            throws IOException {
        String id = TestStore.uniqueId(name);
        Path runDir = TestStore.vmRunDir(id);
        Vm vm = new QemuHypervisor()
                .start(new VmSpec(
                        id, "guest", config, List.of(), runDir, TestStore.ROOTS.hostCache(), volumes, drives));
        try {
            AgentSession agent = new GrpcAgent()
                    .connect(
                            vm.agentChannel(),
                            AgentConfig.defaults(),
                            config.startTimeoutFor(vm.record().accelerator()),
                            () -> {});
            return new GuestVm(vm, agent, runDir);
        } catch (RuntimeException e) {
            vm.stop(Duration.ZERO);
            throw e;
        }
    }

    /** Runs a shell command in the guest and returns its stdout; a failure fails the test with its stderr. */
    String sh(String script) {
        ExecResult result = agent.runProcess(GuestCommand.of("sh", "-c", script));
        assertEquals(0, result.exitCode(), script + ": " + result.stderrText());
        return result.stdoutText();
    }

    /** The name (vda, ...) of the virtio-blk disk with {@code serial}, waiting up to 10 s for the guest to see it. */
    String blockDeviceBySerial(String serial) {
        // quoted and checked: while no disk exists the glob stays a literal '*' that must not expand later
        String dev = sh("t=0; while [ $t -lt 200 ]; do for d in /sys/block/*; do"
                        + " [ -r \"$d/serial\" ] && [ \"$(cat \"$d/serial\")\" = '" + serial
                        + "' ] && echo \"${d##*/}\" && exit 0;"
                        + " done; t=$((t+1)); sleep 0.05; done; echo missing")
                .strip();
        assertNotEquals("missing", dev, "the guest does not see a disk with serial " + serial);
        return dev;
    }

    @Override
    public void close() throws IOException {
        agent.close();
        vm.stop(Duration.ZERO);
        try (Stream<Path> walk = Files.walk(runDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
