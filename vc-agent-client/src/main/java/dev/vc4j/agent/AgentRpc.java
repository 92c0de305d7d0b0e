package dev.vc4j.agent;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.vc4j.agent.proto.AgentProto;
import dev.vc4j.agent.proto.CheckResponse;
import dev.vc4j.agent.proto.Empty;
import dev.vc4j.agent.proto.GuestDetailsResponse;
import dev.vc4j.agent.proto.ListInterfacesResponse;
import dev.vc4j.agent.proto.ListProcessesResponse;
import dev.vc4j.agent.proto.ListRoutesResponse;
import dev.vc4j.agent.proto.OOMEvent;
import dev.vc4j.agent.proto.OnlineCPUMemResponse;
import dev.vc4j.agent.proto.ProcessStatusResponse;
import dev.vc4j.agent.proto.ReadStreamResponse;
import dev.vc4j.agent.proto.RunProcessResponse;
import dev.vc4j.agent.proto.StatsContainerResponse;
import dev.vc4j.agent.proto.WaitProcessResponse;

/**
 * One method of agent.proto's AgentService: its name (in logs and errors), the HTTP/2 path gRPC calls it by, and
 * how its reply parses. The path comes from the compiled descriptor, so a name that agent.proto does not have
 * fails when this class loads, not on the wire.
 */
record AgentRpc<R extends Message>(String name, String path, Parser<R> replyParser) {
    private static final ServiceDescriptor SERVICE = AgentProto.getDescriptor().findServiceByName("AgentService");

    static final AgentRpc<CheckResponse> CHECK = of("Check", CheckResponse.parser());
    static final AgentRpc<GuestDetailsResponse> GET_GUEST_DETAILS =
            of("GetGuestDetails", GuestDetailsResponse.parser());
    static final AgentRpc<RunProcessResponse> RUN_PROCESS = of("RunProcess", RunProcessResponse.parser());
    static final AgentRpc<Empty> SET_GUEST_DATE_TIME = of("SetGuestDateTime", Empty.parser());
    static final AgentRpc<Empty> ADD_ENTROPY = of("AddEntropy", Empty.parser());
    static final AgentRpc<OnlineCPUMemResponse> ONLINE_CPU_MEM = of("OnlineCPUMem", OnlineCPUMemResponse.parser());
    static final AgentRpc<Empty> COPY_FILE = of("CopyFile", Empty.parser());
    static final AgentRpc<Empty> CREATE_SANDBOX = of("CreateSandbox", Empty.parser());
    static final AgentRpc<Empty> DESTROY_SANDBOX = of("DestroySandbox", Empty.parser());
    static final AgentRpc<ListInterfacesResponse> LIST_INTERFACES =
            of("ListInterfaces", ListInterfacesResponse.parser());
    static final AgentRpc<ListRoutesResponse> LIST_ROUTES = of("ListRoutes", ListRoutesResponse.parser());
    static final AgentRpc<Empty> CREATE_CONTAINER = of("CreateContainer", Empty.parser());
    static final AgentRpc<Empty> START_CONTAINER = of("StartContainer", Empty.parser());
    static final AgentRpc<Empty> REMOVE_CONTAINER = of("RemoveContainer", Empty.parser());
    static final AgentRpc<Empty> PAUSE_CONTAINER = of("PauseContainer", Empty.parser());
    static final AgentRpc<Empty> RESUME_CONTAINER = of("ResumeContainer", Empty.parser());
    static final AgentRpc<Empty> UPDATE_CONTAINER = of("UpdateContainer", Empty.parser());
    static final AgentRpc<StatsContainerResponse> STATS_CONTAINER =
            of("StatsContainer", StatsContainerResponse.parser());
    static final AgentRpc<ListProcessesResponse> LIST_PROCESSES = of("ListProcesses", ListProcessesResponse.parser());
    static final AgentRpc<Empty> EXEC_PROCESS = of("ExecProcess", Empty.parser());
    static final AgentRpc<Empty> SIGNAL_PROCESS = of("SignalProcess", Empty.parser());
    static final AgentRpc<WaitProcessResponse> WAIT_PROCESS = of("WaitProcess", WaitProcessResponse.parser());
    static final AgentRpc<Empty> WRITE_STDIN = of("WriteStdin", Empty.parser());
    static final AgentRpc<ReadStreamResponse> READ_STDOUT = of("ReadStdout", ReadStreamResponse.parser());
    static final AgentRpc<ReadStreamResponse> READ_STDERR = of("ReadStderr", ReadStreamResponse.parser());
    static final AgentRpc<Empty> CLOSE_STDIN = of("CloseStdin", Empty.parser());
    static final AgentRpc<Empty> TTY_WIN_RESIZE = of("TtyWinResize", Empty.parser());
    static final AgentRpc<OOMEvent> GET_OOM_EVENT = of("GetOOMEvent", OOMEvent.parser());
    static final AgentRpc<ListInterfacesResponse.Interface> UPDATE_INTERFACE =
            of("UpdateInterface", ListInterfacesResponse.Interface.parser());
    static final AgentRpc<ListRoutesResponse> UPDATE_ROUTES = of("UpdateRoutes", ListRoutesResponse.parser());
    static final AgentRpc<Empty> ADD_ARP_NEIGHBORS = of("AddARPNeighbors", Empty.parser());
    static final AgentRpc<ProcessStatusResponse> PROCESS_STATUS = of("ProcessStatus", ProcessStatusResponse.parser());

    private static <R extends Message> AgentRpc<R> of(String name, Parser<R> replyParser) {
        MethodDescriptor method = SERVICE.findMethodByName(name);
        if (method == null) {
            throw new IllegalStateException("agent.proto's " + SERVICE.getFullName() + " has no method " + name);
        }
        return new AgentRpc<>(name, "/" + SERVICE.getFullName() + "/" + method.getName(), replyParser);
    }
}
