package dev.vc4j.agent;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.vc4j.AgentConfig;
import dev.vc4j.ContainerStats;
import dev.vc4j.GuestProcess;
import dev.vc4j.InterfaceStats;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.SandboxIds;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.agent.AgentCalls.Retry;
import dev.vc4j.agent.proto.AddEntropyRequest;
import dev.vc4j.agent.proto.ContainerRequest;
import dev.vc4j.agent.proto.CopyFileRequest;
import dev.vc4j.agent.proto.CreateContainerRequest;
import dev.vc4j.agent.proto.CreateSandboxRequest;
import dev.vc4j.agent.proto.DestroySandboxRequest;
import dev.vc4j.agent.proto.ExecProcessRequest;
import dev.vc4j.agent.proto.GetOOMEventRequest;
import dev.vc4j.agent.proto.OnlineCPUMemRequest;
import dev.vc4j.agent.proto.OnlineCPUMemResponse;
import dev.vc4j.agent.proto.ProcessRequest;
import dev.vc4j.agent.proto.ProcessStatusResponse;
import dev.vc4j.agent.proto.ReadStreamRequest;
import dev.vc4j.agent.proto.ReadStreamResponse;
import dev.vc4j.agent.proto.SetGuestDateTimeRequest;
import dev.vc4j.agent.proto.SignalProcessRequest;
import dev.vc4j.agent.proto.StatsContainerResponse;
import dev.vc4j.agent.proto.Storage;
import dev.vc4j.agent.proto.TtyWinResizeRequest;
import dev.vc4j.agent.proto.UpdateContainerRequest;
import dev.vc4j.agent.proto.WaitProcessResponse;
import dev.vc4j.agent.proto.WriteStdinRequest;
import dev.vc4j.oci.LinuxResources;
import dev.vc4j.spi.ContainerSpec;
import dev.vc4j.spi.GuestText;
import dev.vc4j.spi.OnlinedResources;
import dev.vc4j.spi.ProcessExit;
import dev.vc4j.spi.ProcessSpec;
import dev.vc4j.spi.ProcessStatus;
import dev.vc4j.spi.SandboxSetup;
import dev.vc4j.spi.StorageSpec;
import dev.vc4j.spi.StreamChunk;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The RPCs of a session beyond health and guest commands, typed: no protobuf type leaves this class. */
final class ContainerRpcs {
    /** The agent kills a crun command at 30 s; the margin covers the answer's trip. */
    static final Duration CRUN_DEADLINE = Duration.ofSeconds(40);
    /** The agent's cap on how long it waits for a storage's drive to appear. */
    static final Duration MAX_DEVICE_WAIT = Duration.ofSeconds(120);
    /** The agent's bound on one message; stdin is sent in pieces below it. */
    static final int MAX_STDIN_CHUNK = 1 << 20;

    private final AgentCalls calls;
    private final AgentConfig config;

    ContainerRpcs(AgentCalls calls, AgentConfig config) {
        this.calls = calls;
        this.config = config;
    }

    private static String checkExecId(String execId) {
        return "".equals(execId) ? execId : SandboxIds.check("execId", execId);
    }

    void setGuestDateTime(Instant now) {
        SetGuestDateTimeRequest request = SetGuestDateTimeRequest.newBuilder()
                .setUnixSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
        calls.call(AgentRpc.SET_GUEST_DATE_TIME, request, config.callTimeout(), Retry.IDEMPOTENT);
    }

    void addEntropy(byte[] seed) {
        AddEntropyRequest request = AddEntropyRequest.newBuilder()
                .setData(ByteString.copyFrom(seed))
                .build();
        calls.call(AgentRpc.ADD_ENTROPY, request, config.callTimeout(), Retry.IDEMPOTENT);
    }

    OnlinedResources onlineCpuMem(int cpus, boolean memory) {
        if (cpus < 0) {
            throw new InvalidConfigException("cpus", cpus, "must be 0 (all) or more");
        }
        OnlineCPUMemResponse r = calls.call(
                AgentRpc.ONLINE_CPU_MEM,
                OnlineCPUMemRequest.newBuilder().setCpus(cpus).setMemory(memory).build(),
                config.callTimeout(),
                Retry.IDEMPOTENT);
        return new OnlinedResources(r.getCpusOnlined(), r.getMemoryBlocksOnlined());
    }

    void copyFile(String path, byte[] data, int mode) {
        CopyFileRequest request = CopyFileRequest.newBuilder()
                .setPath(path)
                .setData(ByteString.copyFrom(data))
                .setMode(mode)
                .build();
        calls.call(AgentRpc.COPY_FILE, request, config.callTimeout(), Retry.IDEMPOTENT);
    }

    void createSandbox(SandboxSetup setup) {
        CreateSandboxRequest.Builder request = CreateSandboxRequest.newBuilder()
                .setHostname(setup.hostname())
                .addAllDnsServers(setup.dnsServers())
                .addAllDnsSearch(setup.dnsSearch())
                .addAllKernelModules(setup.kernelModules())
                .setGuestHookPath(setup.guestHookPath());
        setup.storages().forEach(s -> request.addStorages(storage(s)));
        callWaitingForDrives(AgentRpc.CREATE_SANDBOX, request.build(), setup.storages(), Retry.IDEMPOTENT);
    }

    void destroySandbox() {
        calls.call(
                AgentRpc.DESTROY_SANDBOX, DestroySandboxRequest.getDefaultInstance(), CRUN_DEADLINE, Retry.IDEMPOTENT);
    }

    private static Storage storage(StorageSpec s) {
        return Storage.newBuilder()
                .setDriver(s.driver() == StorageSpec.Driver.NINE_P ? Storage.Driver.NINE_P : Storage.Driver.BLOCK)
                .setSource(s.source())
                .setFstype(s.fstype())
                .addAllOptions(s.options())
                .setMountPoint(s.mountPoint())
                .setDeviceTimeoutMs((int) deviceWait(s).toMillis())
                .build();
    }

    private static Duration deviceWait(StorageSpec s) {
        return s.deviceWait().compareTo(MAX_DEVICE_WAIT) > 0 ? MAX_DEVICE_WAIT : s.deviceWait();
    }

    /**
     * A call whose storages the agent may wait for: its deadline covers the longest wait, and the agent's own
     * timeout, whose details name the drive that did not appear, becomes a timeout of that drive's wait.
     */
    private void callWaitingForDrives(AgentRpc<?> rpc, Message request, List<StorageSpec> storages, Retry retry) {
        Duration longest = storages.stream()
                .map(ContainerRpcs::deviceWait)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
        try {
            calls.call(rpc, request, CRUN_DEADLINE.plus(longest), retry);
        } catch (VcTimeoutException e) {
            Optional<String> drive = AgentErrorDetails.of(e.getCause())
                    .flatMap(AgentErrorDetails::resource)
                    .filter(r -> r.getResourceType().equals("drive"))
                    .map(r -> r.getResourceName());
            for (StorageSpec s : storages) {
                if (s.driver() == StorageSpec.Driver.BLOCK && drive.equals(Optional.of(s.source()))) {
                    throw new VcTimeoutException(
                            "waiting for the guest to see the drive `" + s.source() + "`", deviceWait(s), e.getCause());
                }
            }
            throw e;
        }
    }

    void createContainer(ContainerSpec spec) {
        SandboxIds.check("container.id", spec.id());
        CreateContainerRequest.Builder request = CreateContainerRequest.newBuilder()
                .setContainerId(spec.id())
                .setOciSpec(ByteString.copyFrom(spec.ociSpec().toJson(), StandardCharsets.UTF_8))
                .setTerminal(spec.terminal());
        if (spec.rootfsPath() != null) {
            request.setRootfsPath(spec.rootfsPath());
        }
        spec.storages().forEach(s -> request.addStorages(storage(s)));
        callWaitingForDrives(AgentRpc.CREATE_CONTAINER, request.build(), spec.storages(), Retry.ONCE);
    }

    private ContainerRequest containerRequest(String id) {
        return ContainerRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", id))
                .build();
    }

    void startContainer(String id) {
        calls.call(AgentRpc.START_CONTAINER, containerRequest(id), CRUN_DEADLINE, Retry.ONCE);
    }

    void removeContainer(String id) {
        calls.call(AgentRpc.REMOVE_CONTAINER, containerRequest(id), CRUN_DEADLINE, Retry.ONCE);
    }

    void updateContainer(String id, LinuxResources resources) {
        UpdateContainerRequest request = UpdateContainerRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", id))
                .setResources(ByteString.copyFrom(resources.toJson(), StandardCharsets.UTF_8))
                .build();
        calls.call(AgentRpc.UPDATE_CONTAINER, request, CRUN_DEADLINE, Retry.IDEMPOTENT);
    }

    void pauseContainer(String id) {
        calls.call(AgentRpc.PAUSE_CONTAINER, containerRequest(id), CRUN_DEADLINE, Retry.ONCE);
    }

    void resumeContainer(String id) {
        calls.call(AgentRpc.RESUME_CONTAINER, containerRequest(id), CRUN_DEADLINE, Retry.ONCE);
    }

    ContainerStats containerStats(String id) {
        StatsContainerResponse r =
                calls.call(AgentRpc.STATS_CONTAINER, containerRequest(id), config.callTimeout(), Retry.IDEMPOTENT);
        return new ContainerStats(
                r.getMemoryUsageBytes(),
                r.getMemoryLimitBytes(),
                r.getOomKills(),
                r.getCpuUsageUsec(),
                r.getCpuUserUsec(),
                r.getCpuSystemUsec(),
                r.getPidsCurrent(),
                r.getIoReadBytes(),
                r.getIoWriteBytes(),
                r.getNetworkList().stream().map(ContainerRpcs::interfaceStats).toList());
    }

    private static InterfaceStats interfaceStats(StatsContainerResponse.InterfaceStats i) {
        return new InterfaceStats(
                i.getName(),
                i.getRxBytes(),
                i.getRxPackets(),
                i.getRxErrors(),
                i.getRxDropped(),
                i.getTxBytes(),
                i.getTxPackets(),
                i.getTxErrors(),
                i.getTxDropped());
    }

    List<GuestProcess> listProcesses(String id) {
        return calls
                .call(AgentRpc.LIST_PROCESSES, containerRequest(id), config.callTimeout(), Retry.IDEMPOTENT)
                .getProcessesList()
                .stream()
                // the guest chose these command lines: bounded and escaped before they reach a log or a terminal
                .map(p -> new GuestProcess(p.getPid(), GuestText.bounded(p.getCommand(), GuestText.TEXT_MAX)))
                .toList();
    }

    void execProcess(String containerId, ProcessSpec process) {
        ExecProcessRequest request = ExecProcessRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", containerId))
                .setExecId(SandboxIds.check("execId", process.execId()))
                .setProcess(ByteString.copyFrom(process.process().toJson(), StandardCharsets.UTF_8))
                .setTerminal(process.terminal())
                .build();
        calls.call(AgentRpc.EXEC_PROCESS, request, CRUN_DEADLINE, Retry.ONCE);
    }

    void signalProcess(String containerId, String execId, int signal, boolean all) {
        SignalProcessRequest request = SignalProcessRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", containerId))
                .setExecId(checkExecId(execId))
                .setSignal(signal)
                .setAll(all)
                .build();
        // One process: a kill(2) in the agent. All: a crun command.
        calls.call(AgentRpc.SIGNAL_PROCESS, request, all ? CRUN_DEADLINE : config.callTimeout(), Retry.ONCE);
    }

    private ProcessRequest processRequest(String containerId, String execId) {
        return ProcessRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", containerId))
                .setExecId(checkExecId(execId))
                .build();
    }

    ProcessExit waitProcess(String containerId, String execId, Duration timeout) {
        WaitProcessResponse r =
                calls.call(AgentRpc.WAIT_PROCESS, processRequest(containerId, execId), timeout, Retry.IDEMPOTENT);
        return exitOf(r);
    }

    private static ProcessExit exitOf(WaitProcessResponse r) {
        return new ProcessExit(r.getExitCode(), r.getSignal(), r.getOomKilled());
    }

    void writeStdin(String containerId, String execId, byte[] data, int offset, int length, Duration timeout) {
        for (int done = 0; done < length; ) {
            int n = Math.min(MAX_STDIN_CHUNK, length - done);
            WriteStdinRequest request = WriteStdinRequest.newBuilder()
                    .setContainerId(SandboxIds.check("containerId", containerId))
                    .setExecId(checkExecId(execId))
                    .setData(ByteString.copyFrom(data, offset + done, n))
                    .build();
            calls.call(AgentRpc.WRITE_STDIN, request, timeout, Retry.ONCE);
            done += n;
        }
    }

    void closeStdin(String containerId, String execId) {
        calls.call(AgentRpc.CLOSE_STDIN, processRequest(containerId, execId), config.callTimeout(), Retry.ONCE);
    }

    StreamChunk read(boolean stderr, String containerId, String execId, int maxBytes, Duration timeout) {
        ReadStreamRequest request = ReadStreamRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", containerId))
                .setExecId(checkExecId(execId))
                .setMaxBytes(maxBytes)
                .build();
        ReadStreamResponse r =
                calls.call(stderr ? AgentRpc.READ_STDERR : AgentRpc.READ_STDOUT, request, timeout, Retry.ONCE);
        return new StreamChunk(r.getData().toByteArray(), r.getEof());
    }

    void resizeTty(String containerId, String execId, int rows, int columns) {
        TtyWinResizeRequest request = TtyWinResizeRequest.newBuilder()
                .setContainerId(SandboxIds.check("containerId", containerId))
                .setExecId(checkExecId(execId))
                .setRows(rows)
                .setColumns(columns)
                .build();
        calls.call(AgentRpc.TTY_WIN_RESIZE, request, config.callTimeout(), Retry.IDEMPOTENT);
    }

    Optional<String> awaitOomEvent(Duration timeout) {
        try {
            return Optional.of(
                    calls.call(AgentRpc.GET_OOM_EVENT, GetOOMEventRequest.getDefaultInstance(), timeout, Retry.ONCE)
                            .getContainerId());
        } catch (VcTimeoutException e) {
            return Optional.empty();
        }
    }

    ProcessStatus processStatus(String containerId, String execId) {
        ProcessStatusResponse r = calls.call(
                AgentRpc.PROCESS_STATUS, processRequest(containerId, execId), config.callTimeout(), Retry.IDEMPOTENT);
        return new ProcessStatus(r.getPid(), r.getExited() ? exitOf(r.getExit()) : null);
    }
}
