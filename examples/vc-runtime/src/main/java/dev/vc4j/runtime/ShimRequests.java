package dev.vc4j.runtime;

import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.KillScope;
import dev.vc4j.Signal;
import dev.vc4j.VcException;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.runtime.ShimProtocol.Reply;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One connection to a shim: a request, checked against the container's status with runc's messages, done through
 * the vc4j API, answered; an {@code exec}, or a pod's container that joins the VM, then carries the process's
 * stdio ({@link ExecStreams}).
 */
final class ShimRequests {
    private final Shim shim;

    ShimRequests(Shim shim) {
        this.shim = shim;
    }

    void serve(SocketChannel connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(connection)));
            DataOutputStream out = new DataOutputStream(ChannelStreams.out(connection));
            Request request = ShimProtocol.readLine(in, Request.class);
            if ("exec".equals(request.op()) || "join".equals(request.op())) {
                ContainerProcess process;
                try {
                    process = "exec".equals(request.op())
                            ? exec(request)
                            : shim.join(request.container(), Path.of(request.bundle()));
                } catch (RuntimeFailure | VcException e) {
                    ShimProtocol.writeLine(out, Reply.failed(Errors.message(e)));
                    return;
                }
                ShimProtocol.writeLine(out, Reply.ok());
                ExecStreams.serve(process, in, out);
                return;
            }
            try {
                Reply reply;
                try {
                    reply = handle(request);
                } catch (RuntimeFailure | VcException e) {
                    reply = Reply.failed(Errors.message(e));
                }
                ShimProtocol.writeLine(out, reply);
            } finally {
                // a delete that began ends the shim even when it failed unexpectedly or its caller is gone
                if ("delete".equals(request.op())) {
                    shim.deleted(request.container());
                }
            }
        } catch (IOException | RuntimeException e) {
            RuntimeLog.current().write("warning", "a request to the shim failed: " + Errors.message(e));
        }
    }

    private Reply handle(Request request) {
        String id = request.container();
        Container container = shim.container(id);
        String status = shim.status(id);
        switch (request.op()) {
            case "start" -> {
                if (RuntimeRecord.STOPPED.equals(status)) {
                    throw new RuntimeFailure("cannot start a container that has stopped");
                }
                if (!RuntimeRecord.CREATED.equals(status)) {
                    throw new RuntimeFailure("cannot start an already running container");
                }
                shim.start(id);
                return Reply.ok();
            }
            case "kill" -> {
                requireLive(status);
                container.kill(
                        Signal.of(request.signal()), request.all() ? KillScope.ALL_PROCESSES : KillScope.MAIN_PROCESS);
                return Reply.ok();
            }
            case "pause" -> {
                requireRunning(status);
                container.pause();
                shim.update(id, RuntimeRecord.PAUSED);
                return Reply.ok();
            }
            case "resume" -> {
                if (!RuntimeRecord.PAUSED.equals(status)) {
                    throw new RuntimeFailure("container not paused");
                }
                container.resume();
                shim.update(id, RuntimeRecord.RUNNING);
                return Reply.ok();
            }
            case "ps" -> {
                requireLive(status);
                return new Reply(null, container.processes(), null);
            }
            case "stats" -> {
                requireLive(status);
                return new Reply(null, null, container.stats());
            }
            case "update" -> {
                requireRunning(status);
                container.update(request.resources());
                return Reply.ok();
            }
            case "delete" -> {
                if (!request.force()
                        && !RuntimeRecord.CREATED.equals(status)
                        && !RuntimeRecord.STOPPED.equals(status)) {
                    throw new RuntimeFailure("cannot delete container " + id + " that is not stopped: " + status);
                }
                shim.delete(id); // before the answer: the caller waits for it, not for the shim's end
                return Reply.ok();
            }
            default -> throw new RuntimeFailure("unknown request " + request.op());
        }
    }

    private ContainerProcess exec(Request request) {
        String status = shim.status(request.container());
        if (RuntimeRecord.STOPPED.equals(status)) {
            throw new RuntimeFailure("exec failed: cannot exec in a stopped container");
        }
        requireRunning(status);
        return shim.container(request.container()).exec(ExecProcess.toCmd(OciProcess.parse(request.process())));
    }

    private static void requireRunning(String status) {
        if (!RuntimeRecord.RUNNING.equals(status)) {
            throw RuntimeFailure.notRunning();
        }
    }

    private static void requireLive(String status) {
        if (RuntimeRecord.STOPPED.equals(status) || RuntimeRecord.CREATING.equals(status)) {
            throw RuntimeFailure.notRunning();
        }
    }
}
