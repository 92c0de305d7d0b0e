package dev.vc4j.spi;

import dev.vc4j.ContainerStats;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestDetails;
import dev.vc4j.GuestProcess;
import dev.vc4j.oci.LinuxResources;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One connection to one guest agent; every call has a deadline. Closing it leaves the guest untouched.
 * Container and process ids are {@code [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}}; a container's init process has the
 * exec id {@code ""}.
 */
public interface AgentSession extends AutoCloseable {

    void check();

    GuestDetails guestDetails();

    ExecResult runProcess(GuestCommand command);

    void setGuestDateTime(Instant now);

    /**
     * Mixes {@code seed} (16 to 512 random bytes) into the guest's entropy pool and reseeds its RNG at once: a VM
     * restored from a template starts with the template's RNG state.
     */
    void addEntropy(byte[] seed);

    List<GuestInterface> listInterfaces();

    /** The routes of the guest's main table, IPv4 and IPv6. */
    List<GuestRoute> listRoutes();

    /**
     * Sets an interface's addresses, MTU and state; returns it as {@link #listInterfaces} shows it. A bad address,
     * prefix length, MAC or MTU is an {@link dev.vc4j.InvalidConfigException} naming the field and value, an
     * interface that is not there a {@link dev.vc4j.NotFoundException}.
     */
    GuestInterface updateInterface(InterfaceUpdate update);

    /**
     * Replaces the main table's routes (except those the kernel made for the interfaces' addresses) with
     * {@code routes}; returns the routes now present. Errors as for {@link #updateInterface}.
     */
    List<GuestRoute> updateRoutes(List<GuestRoute> routes);

    /** Adds permanent neighbor entries, replacing any for the same address. Errors as for {@link #updateInterface}. */
    void addArpNeighbors(List<GuestNeighbor> neighbors);

    /** Sets the sandbox up in the guest; see {@link SandboxSetup}. */
    void createSandbox(SandboxSetup setup);

    /** Removes every container (killing what runs) and unmounts the sandbox's storages. */
    void destroySandbox();

    /** Brings hotplugged CPUs (up to {@code cpus}, 0: all) and with {@code memory} memory blocks online. */
    OnlinedResources onlineCpuMem(int cpus, boolean memory);

    /**
     * Writes a file of at most 1 MiB into the agent's shared directory; {@code path} is relative, plain names
     * joined by '/'; {@code mode} 0 means 0644.
     */
    void copyFile(String path, byte[] data, int mode);

    /** Creates the container with its init process stopped before exec; its stdio is ready to attach. */
    void createContainer(ContainerSpec spec);

    void startContainer(String containerId);

    /** Kills what is left of the container, deletes it and unmounts its storages. */
    void removeContainer(String containerId);

    /** Changes the container's cgroup resources to those {@code resources} sets. */
    void updateContainer(String containerId, LinuxResources resources);

    void pauseContainer(String containerId);

    void resumeContainer(String containerId);

    ContainerStats containerStats(String containerId);

    List<GuestProcess> listProcesses(String containerId);

    void execProcess(String containerId, ProcessSpec process);

    /** Signals one process, or with {@code all} every process of the container. */
    void signalProcess(String containerId, String execId, int signal, boolean all);

    /** Waits at most {@code timeout} for the process to exit. */
    ProcessExit waitProcess(String containerId, String execId, Duration timeout);

    /** Returns once the agent has put the bytes in the process's stdin (back-pressure). */
    void writeStdin(String containerId, String execId, byte[] data, int offset, int length);

    void closeStdin(String containerId, String execId);

    /** Up to {@code maxBytes} as soon as any output is there, waiting at most {@code timeout}. */
    StreamChunk readStdout(String containerId, String execId, int maxBytes, Duration timeout);

    StreamChunk readStderr(String containerId, String execId, int maxBytes, Duration timeout);

    void resizeTty(String containerId, String execId, int rows, int columns);

    /** The id of the next container whose cgroup records an OOM kill, or empty after {@code timeout}. */
    Optional<String> awaitOomEvent(Duration timeout);

    /** The process's stdio as streams; reads and waits are bounded by {@code timeout} each. */
    ProcessIo processIo(String containerId, String execId, Duration timeout);

    @Override
    void close();

    /** The process's pid and, once it has exited, its exit; answers at once, unlike {@link #waitProcess}. */
    ProcessStatus processStatus(String containerId, String execId);
}
