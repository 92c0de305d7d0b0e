package dev.vc4j.agent;

import com.google.protobuf.ByteString;
import dev.vc4j.AgentConfig;
import dev.vc4j.AgentException;
import dev.vc4j.ContainerStats;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestDetails;
import dev.vc4j.GuestProcess;
import dev.vc4j.agent.AgentCalls.Retry;
import dev.vc4j.agent.proto.CheckRequest;
import dev.vc4j.agent.proto.CheckResponse;
import dev.vc4j.agent.proto.GuestDetailsRequest;
import dev.vc4j.agent.proto.GuestDetailsResponse;
import dev.vc4j.agent.proto.RunProcessRequest;
import dev.vc4j.agent.proto.RunProcessResponse;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.spi.AgentSession;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestNeighbor;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;
import dev.vc4j.spi.OnlinedResources;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessIo;
import dev.vc4j.spi.ProcessSpec;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.StreamChunk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One session with one agent: typed calls over an {@link AgentLink}, which keeps one HTTP/2 connection (and its
 * reader thread) while the session is open. Every call waits for the connection until its deadline.
 */
final class GrpcAgentSession implements AgentSession {
    /** Output kept per stream of a guest command; the rest is dropped by the agent and flagged. */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    /** What the agent applies when a command has no timeout of its own. */
    static final Duration AGENT_DEFAULT_PROCESS_TIMEOUT = Duration.ofSeconds(60);
    // A reply carries up to two full output streams plus framing.
    static final int MAX_INBOUND_MESSAGE = 2 * MAX_OUTPUT_BYTES + 64 * 1024;

    private final AgentEndpoint socket;
    private final AgentConfig config;
    private final AgentLink link;
    private final AgentCalls calls;
    private final ContainerRpcs containers;
    private final NetworkRpcs network;

    /** A session with the agent at {@code socket}; nothing is connected until the first call. */
    GrpcAgentSession(AgentEndpoint socket, AgentConfig config) {
        this.socket = socket;
        this.config = config;
        this.link = new AgentLink(socket, MAX_INBOUND_MESSAGE);
        this.calls = new AgentCalls(link);
        this.containers = new ContainerRpcs(calls, config);
        this.network = new NetworkRpcs(calls, config);
    }

    /** One Check that waits for the connection until {@code deadline} while {@code liveness} holds. */
    CheckResponse checkOnce(long deadline, Runnable liveness) throws GrpcFailure {
        return calls.callOnce(AgentRpc.CHECK, CheckRequest.getDefaultInstance(), deadline, liveness);
    }

    /** What keeps the agent unreachable right now, if anything; see {@link AgentLink#obstacle()}. */
    Optional<Throwable> connectObstacle() {
        return link.obstacle();
    }

    @Override
    public void check() {
        CheckResponse response =
                calls.call(AgentRpc.CHECK, CheckRequest.getDefaultInstance(), config.callTimeout(), Retry.IDEMPOTENT);
        if (response.getStatus() != CheckResponse.ServingStatus.SERVING) {
            throw new AgentException("Check", "the agent at " + socket + " answered " + response.getStatus(), null);
        }
    }

    @Override
    public GuestDetails guestDetails() {
        GuestDetailsResponse r = calls.call(
                AgentRpc.GET_GUEST_DETAILS,
                GuestDetailsRequest.getDefaultInstance(),
                config.callTimeout(),
                Retry.IDEMPOTENT);
        return new GuestDetails(
                r.getAgentVersion(),
                r.getKernelRelease(),
                r.getKernelVersion(),
                r.getMachine(),
                r.getMemTotalKib(),
                r.getMemAvailableKib(),
                r.getOnlineCpus(),
                Duration.ofMillis(r.getUptimeMs()));
    }

    @Override
    public ExecResult runProcess(GuestCommand command) {
        command.validate();
        Duration processTimeout = command.timeout() != null ? command.timeout() : AGENT_DEFAULT_PROCESS_TIMEOUT;
        RunProcessRequest.Builder request = RunProcessRequest.newBuilder()
                .addAllArgv(command.argv())
                .addAllEnv(command.env())
                .setStdin(ByteString.copyFrom(command.stdin()))
                .setMaxOutputBytes(MAX_OUTPUT_BYTES);
        if (command.workdir() != null) {
            request.setWorkdir(command.workdir());
        }
        if (command.timeout() != null) {
            // 0 would mean the agent's default: a sub-millisecond timeout must not become 60 s
            request.setTimeoutMs((int) Math.max(1, command.timeout().toMillis()));
        }
        // The agent answers when it has killed the process at its timeout; the margin covers the answer's trip.
        Duration deadline = processTimeout.plus(config.callTimeout());
        RunProcessResponse r = calls.call(AgentRpc.RUN_PROCESS, request.build(), deadline, Retry.ONCE);
        return new ExecResult(
                r.getExitCode(),
                r.getSignal(),
                r.getStdout().toByteArray(),
                r.getStderr().toByteArray(),
                r.getTimedOut(),
                r.getStdoutTruncated(),
                r.getStderrTruncated());
    }

    @Override
    public void setGuestDateTime(Instant now) {
        containers.setGuestDateTime(now);
    }

    @Override
    public void addEntropy(byte[] seed) {
        containers.addEntropy(seed);
    }

    @Override
    public List<GuestInterface> listInterfaces() {
        return network.listInterfaces();
    }

    @Override
    public List<GuestRoute> listRoutes() {
        return network.listRoutes();
    }

    @Override
    public GuestInterface updateInterface(InterfaceUpdate update) {
        return network.updateInterface(update);
    }

    @Override
    public List<GuestRoute> updateRoutes(List<GuestRoute> routes) {
        return network.updateRoutes(routes);
    }

    @Override
    public void addArpNeighbors(List<GuestNeighbor> neighbors) {
        network.addArpNeighbors(neighbors);
    }

    @Override
    public void createSandbox(SandboxSetup setup) {
        containers.createSandbox(setup);
    }

    @Override
    public void destroySandbox() {
        containers.destroySandbox();
    }

    @Override
    public OnlinedResources onlineCpuMem(int cpus, boolean memory) {
        return containers.onlineCpuMem(cpus, memory);
    }

    @Override
    public void copyFile(String path, byte[] data, int mode) {
        containers.copyFile(path, data, mode);
    }

    @Override
    public void createContainer(ContainerSpec spec) {
        containers.createContainer(spec);
    }

    @Override
    public void startContainer(String containerId) {
        containers.startContainer(containerId);
    }

    @Override
    public void removeContainer(String containerId) {
        containers.removeContainer(containerId);
    }

    @Override
    public void updateContainer(String containerId, LinuxResources resources) {
        containers.updateContainer(containerId, resources);
    }

    @Override
    public void pauseContainer(String containerId) {
        containers.pauseContainer(containerId);
    }

    @Override
    public void resumeContainer(String containerId) {
        containers.resumeContainer(containerId);
    }

    @Override
    public ContainerStats containerStats(String containerId) {
        return containers.containerStats(containerId);
    }

    @Override
    public List<GuestProcess> listProcesses(String containerId) {
        return containers.listProcesses(containerId);
    }

    @Override
    public void execProcess(String containerId, ProcessSpec process) {
        containers.execProcess(containerId, process);
    }

    @Override
    public void signalProcess(String containerId, String execId, int signal, boolean all) {
        containers.signalProcess(containerId, execId, signal, all);
    }

    @Override
    public ProcessExit waitProcess(String containerId, String execId, Duration timeout) {
        return containers.waitProcess(containerId, execId, timeout);
    }

    @Override
    public void writeStdin(String containerId, String execId, byte[] data, int offset, int length) {
        containers.writeStdin(containerId, execId, data, offset, length, config.callTimeout());
    }

    @Override
    public void closeStdin(String containerId, String execId) {
        containers.closeStdin(containerId, execId);
    }

    @Override
    public StreamChunk readStdout(String containerId, String execId, int maxBytes, Duration timeout) {
        return containers.read(false, containerId, execId, maxBytes, timeout);
    }

    @Override
    public StreamChunk readStderr(String containerId, String execId, int maxBytes, Duration timeout) {
        return containers.read(true, containerId, execId, maxBytes, timeout);
    }

    @Override
    public void resizeTty(String containerId, String execId, int rows, int columns) {
        containers.resizeTty(containerId, execId, rows, columns);
    }

    @Override
    public Optional<String> awaitOomEvent(Duration timeout) {
        return containers.awaitOomEvent(timeout);
    }

    @Override
    public ProcessIo processIo(String containerId, String execId, Duration timeout) {
        return new GrpcProcessIo(containers, containerId, execId, timeout);
    }

    @Override
    public ProcessStatus processStatus(String containerId, String execId) {
        return containers.processStatus(containerId, execId);
    }

    /** Fails calls in flight at once, then closes the connection and ends its thread. */
    @Override
    public void close() {
        link.close();
    }
}
