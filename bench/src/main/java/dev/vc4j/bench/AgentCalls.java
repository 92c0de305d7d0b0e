package dev.vc4j.bench;

import dev.vc4j.Cmd;
import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxStatus;
import dev.vc4j.spi.AgentSession;
import org.openjdk.jmh.annotations.Benchmark;

import java.time.Duration;

/**
 * The in-process figures as JMH benchmarks. JMH runs them in this JVM ({@link Jmh}) on the targets the caller set
 * below: a live sandbox, a running container in it, a bare agent session to a VM, the host's gRPC floor.
 */
public class AgentCalls {
    private static final Duration EXIT = Duration.ofSeconds(30);

    static volatile Sandbox sandbox;
    static volatile Container container;
    static volatile AgentSession session;
    static volatile HostGrpcFloor floor;

    /** R2. */
    @Benchmark
    public SandboxStatus sandboxStatus() {
        return sandbox.status();
    }

    /** R3: an exec of {@code true} in the container until its exit code is back. */
    @Benchmark
    public int execTrue() {
        try (ContainerProcess p = container.exec(Cmd.builder().args("true").build())) {
            int exit = p.waitFor(EXIT);
            if (exit != 0) {
                throw new IllegalStateException("true exited " + exit);
            }
            return exit;
        }
    }

    /** R1. */
    @Benchmark
    public void agentCheck() {
        session.check();
    }

    /** B3. */
    @Benchmark
    public void hostCheck() {
        floor.check();
    }
}
