package dev.vc4j.runtime;

import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.IOException;

/**
 * The shim of a container that joins a pod's VM: it does not boot one, it asks the shim of the pod's sandbox
 * container to create the container there and then relays the container's stdio between the descriptors it
 * inherited from {@code create} and that shim, forwards its signals, and exits with the container's code.
 */
final class MemberShim {
    /** The code of a member whose connection to the pod's shim broke: the VM went with the sandbox container. */
    private static final int VM_GONE = 137;

    private MemberShim() {}

    static int run(RuntimeRoot root, RuntimeRecord created) {
        Libc.C.setsid();
        ProcessHandle self = ProcessHandle.current();
        RuntimeRecord record = created.withShim(self.pid(), RuntimeRecord.started(self));
        root.write(record);
        ShimClient owner;
        try {
            owner = ShimClient.connect(root, record)
                    .orElseThrow(() -> new RuntimeFailure(
                            "the pod's sandbox container " + created.sandboxId() + " is not running"));
            owner.call(new Request("join", null, false, false, null, null, null, record.bundle()));
        } catch (RuntimeException e) {
            root.write(record.failed(Errors.message(e)));
            return 1;
        }
        root.write(record.withStatus(RuntimeRecord.CREATED));
        int code;
        try (owner) {
            code = ExecStreams.relay(owner, null);
        } catch (IOException e) {
            RuntimeLog.current().write("warning", "the pod's shim went away: " + e.getMessage());
            code = VM_GONE;
        }
        int exitCode = code;
        root.read(record.id()).ifPresent(now -> root.write(now.exited(exitCode)));
        return exitCode;
    }
}
