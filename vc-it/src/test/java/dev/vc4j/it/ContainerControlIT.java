package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.ContainerResources;
import dev.vc4j.ContainerState;
import dev.vc4j.DeleteMode;
import dev.vc4j.ExecResult;
import dev.vc4j.KillScope;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.Signal;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Signals and limits sent to a container, on one real VM with a busybox rootfs the host shares. */
class ContainerControlIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Prints "ready" once the trap is set, then idles in short sleeps, so that the trap runs at once. */
    private static final String TRAP_THEN_IDLE = "; echo ready; while :; do sleep 0.1; done";

    private static Path rootfs;
    private static Sandbox sandbox;
    private final List<Container> made = new ArrayList<>();

    @BeforeAll
    static void boot() throws Exception {
        rootfs = HostRootfs.make(Files.createTempDirectory("vc4j-it-control"));
        sandbox = TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(TestStore.uniqueId("control"))
                        .volume(new Volume("rootfs", rootfs))
                        .build());
    }

    @AfterAll
    static void delete() throws Exception {
        try {
            if (sandbox != null) {
                sandbox.delete();
            }
        } finally {
            HostRootfs.remove(rootfs);
        }
    }

    @AfterEach
    void deleteContainers() {
        made.forEach(c -> c.delete(DeleteMode.FORCE));
    }

    private Container started(String... args) {
        Container c = sandbox.createContainer(ContainerConfig.builder()
                .id(TestStore.uniqueId("c"))
                .cmd(Cmd.builder().args(args).build())
                .rootfs(Rootfs.directory(rootfs))
                .build());
        made.add(c);
        c.start();
        return c;
    }

    /** Runs {@code script} in {@code c} and returns once it printed its first byte. */
    private static ContainerProcess execReady(Container c, String script) throws Exception {
        ContainerProcess p = c.exec(Cmd.builder().args("sh", "-c", script).build());
        assertEquals('r', p.stdout().read(), "the trap is set before the signal comes");
        return p;
    }

    @Test
    void killSignalsTheContainersOwnProcessByName() throws Exception {
        Container c = started("sh", "-c", "trap 'exit 7' USR1" + TRAP_THEN_IDLE);
        try (ContainerProcess own = c.process()) {
            assertEquals('r', own.stdout().read(), "the trap is set before the signal comes");
        }
        c.kill(Signal.parse("SIGUSR1"));
        assertEquals(7, c.waitForExit(WAIT));
    }

    @Test
    void killOfAllProcessesReachesTheExecsThatTheOwnProcessOnlyLeavesAlone() throws Exception {
        // pid 1 of the container's namespace ignores a SIGTERM it has no handler for; an exec'd shell does not
        Container c = started("sleep", "1000");
        try (ContainerProcess exec = execReady(c, "echo ready; sleep 1000")) {
            c.kill(Signal.TERM);
            assertThrows(VcTimeoutException.class, () -> exec.waitFor(Duration.ofSeconds(1)), "the exec ended");
            c.kill(Signal.TERM, KillScope.ALL_PROCESSES);
            assertEquals(143, exec.waitFor(WAIT));
        }
        assertEquals(ContainerState.RUNNING, c.status().state());
    }

    @Test
    void aProcessIsSignalledByItsHandle() throws Exception {
        Container c = started("sleep", "1000");
        try (ContainerProcess exec = execReady(c, "trap 'exit 9' HUP" + TRAP_THEN_IDLE)) {
            exec.signal(Signal.HUP);
            assertEquals(9, exec.waitFor(WAIT));
        }
    }

    @Test
    void anUpdateSetsTheLimitsInTheContainersCgroup() {
        Container c = started("sleep", "1000");
        c.update(ContainerResources.builder()
                .memoryLimitBytes(64L << 20)
                .memoryReservationBytes(16L << 20)
                .memorySwapBytes(96L << 20)
                .cpuShares(1024)
                .cpuQuota(50_000, 100_000)
                .cpusetCpus("0")
                .cpusetMems("0")
                .pidsLimit(50)
                .build());
        String cgroup = "/sys/fs/cgroup/vc4j/" + c.id() + "/";
        List<String> files = List.of(
                "memory.max",
                "memory.low",
                "memory.swap.max",
                "cpu.max",
                "cpu.weight",
                "cpuset.cpus",
                "cpuset.mems",
                "pids.max");
        List<String> values = files.stream()
                .map(f -> {
                    ExecResult cat = sandbox.exec("cat", cgroup + f);
                    return cat.stdoutText().strip() + cat.stderrText().strip();
                })
                .toList();
        assertEquals(
                List.of("67108864", "16777216", "33554432", "50000 100000", "39", "0", "0", "50"),
                values,
                files.toString());
        assertEquals(64L << 20, c.stats().memoryLimitBytes());
    }
}
