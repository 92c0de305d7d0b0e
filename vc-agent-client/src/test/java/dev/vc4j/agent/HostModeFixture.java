package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.spi.AgentSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real agent in host mode per test class; a test keeps its session in {@link #session}, and after each
 * test the agent must still run and no thread but the shared event loops' may be there.
 */
abstract class HostModeFixture {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final AgentConfig CONFIG = new AgentConfig(Duration.ofSeconds(5));

    @TempDir
    static Path dir;

    static HostModeAgent agent;
    AgentSession session;

    @BeforeAll
    static void startAgent() throws IOException {
        agent = HostModeAgent.start(dir, "agent");
    }

    @AfterAll
    static void stopAgent() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
    }

    static AgentSession connect() {
        return new GrpcAgent().connect(agent.socket(), CONFIG, CONNECT_TIMEOUT, () -> {});
    }

    @AfterEach
    void closeSession() throws IOException, InterruptedException {
        if (session != null) {
            session.close();
        }
        agent.assertAlive();
        AgentThreads.assertNone();
    }
}
