package dev.vc4j.runtime;

import dev.vc4j.Bundle;
import dev.vc4j.StoreRoots;
import dev.vc4j.VcException;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** create, run, start and delete: a container's life, as runc does them. */
final class LifecycleCommands {
    private LifecycleCommands() {}

    static class Create extends ContainerCommand {
        final Path bundle;
        final Path pidFile;
        final Path consoleSocket;

        static Flags flags() {
            return new Flags()
                    .value("bundle", "b", "DIR", "The bundle directory (default: the current one).")
                    .value("pid-file", null, "FILE", "Where to write the pid of the container's host process.")
                    .value("console-socket", null, "SOCKET", "A unix socket to send the terminal's master to.")
                    .bool("no-pivot", null, "Accepted for runc compatibility.")
                    .bool("no-new-keyring", null, "Accepted for runc compatibility.")
                    .value("preserve-fds", null, "N", "Accepted for runc compatibility; none are passed to the VM.");
        }

        Create(VcRuntime runtime, Arguments arguments) {
            super(runtime, arguments);
            this.bundle = arguments.value("bundle").map(Path::of).orElse(Path.of("."));
            this.pidFile = arguments.path("pid-file");
            this.consoleSocket = arguments.path("console-socket");
        }

        @Override
        public Integer call() throws InterruptedException {
            create();
            return 0;
        }

        /** Creates the container and returns its shim, a child of this process. */
        Process create() {
            RuntimeRoot root = runtime.root();
            RuntimeRoot.checkedId(id);
            Bundle read = readBundle(bundle);
            Spawner.checkPidFile(pidFile);
            Map<String, String> annotations =
                    read.spec().annotations() == null ? Map.of() : read.spec().annotations();
            String sandboxId = PodMembers.sandboxOf(id, annotations);
            StoreRoots store = sandboxId.equals(id) ? runtime.storeRoots() : podStore(root, sandboxId);
            root.createDir(id);
            RuntimeRecord record = new RuntimeRecord(
                    RuntimeRecord.VERSION,
                    id,
                    read.dir().toString(),
                    read.rootfs().toString(),
                    sandboxId,
                    store.run().toString(),
                    store.config().toString(),
                    Instant.now().toString(),
                    annotations,
                    RuntimeRecord.CREATING,
                    0,
                    null,
                    null,
                    null);
            Process shim = null;
            try {
                root.write(record);
                List<String> args = new ArrayList<>(List.of("shim"));
                if (consoleSocket != null) {
                    args.addAll(List.of(
                            "--console-socket", consoleSocket.toAbsolutePath().toString()));
                }
                args.add(id); // flags before the id, as in every command
                shim = Spawner.start(runtime, args);
                Spawner.await(shim, () -> created(root), "the container's shim");
                if (pidFile != null) {
                    Spawner.writePidFile(pidFile, shim.pid());
                }
                return shim;
            } catch (RuntimeException e) {
                undo(root, shim, e);
                throw e;
            }
        }

        /** A container joining a pod joins its sandbox container's VM, which must run. */
        private StoreRoots podStore(RuntimeRoot root, String sandboxId) {
            RuntimeRecord sandbox = root.read(sandboxId)
                    .filter(RuntimeRecord::shimAlive)
                    .orElseThrow(() -> new RuntimeFailure(
                            "the pod's sandbox container \"" + sandboxId + "\" of " + id + " is not running"));
            return new StoreRoots(Path.of(sandbox.storeRun()), Path.of(sandbox.storeConfig()));
        }

        private RuntimeRecord created(RuntimeRoot root) {
            RuntimeRecord now = root.load(id);
            if (now.error() != null) {
                throw new RuntimeFailure(now.error());
            }
            return RuntimeRecord.CREATED.equals(now.status()) ? now : null;
        }

        /** Nothing of a failed create stays: not the shim, its VM, the sandbox's files, nor the container's directory. */
        private void undo(RuntimeRoot root, Process shim, RuntimeException failure) {
            try {
                if (shim != null) {
                    root.read(id).ifPresent(Leftovers::awaitShimExit);
                    shim.destroyForcibly();
                }
                root.read(id).filter(RuntimeRecord::ownsVm).ifPresent(Leftovers::removeSandbox);
                root.remove(id);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    static Bundle readBundle(Path dir) {
        try {
            return Bundle.read(dir);
        } catch (VcException e) {
            throw new RuntimeFailure("bundle " + dir.toAbsolutePath().normalize() + ": " + e.getMessage(), e);
        }
    }

    static class Run extends Create {
        static final Flags FLAGS = Create.flags()
                .bool("detach", "d", "Return once the container runs.")
                .bool("keep", null, "Keep the container's state after it exits.");

        final boolean detach;
        final boolean keep;

        Run(VcRuntime runtime, Arguments arguments) {
            super(runtime, arguments);
            this.detach = arguments.flag("detach");
            this.keep = arguments.flag("keep");
        }

        @Override
        public Integer call() throws InterruptedException {
            Process shim = create();
            new Start(runtime, id).call();
            if (detach) {
                return 0;
            }
            int code = shim.waitFor();
            if (!keep) {
                new Delete(runtime, id, true).call();
            }
            return code;
        }
    }

    static class Start extends ContainerCommand {

        Start(VcRuntime runtime, String id) {
            super(runtime, id);
        }

        @Override
        public Integer call() {
            RuntimeRecord record = runtime.root().load(id);
            String status = record.effectiveStatus();
            if (RuntimeRecord.STOPPED.equals(status)) {
                throw new RuntimeFailure("cannot start a container that has stopped");
            }
            if (!RuntimeRecord.CREATED.equals(status)) {
                throw new RuntimeFailure("cannot start an already running container");
            }
            ControlCommands.callShim(runtime, record, Request.of("start"));
            return 0;
        }
    }

    static class Delete extends ContainerCommand {
        static final Flags FLAGS = new Flags().bool("force", "f", "Kill a running container first.");

        final boolean force;

        Delete(VcRuntime runtime, String id, boolean force) {
            super(runtime, id);
            this.force = force;
        }

        @Override
        public Integer call() {
            RuntimeRoot root = runtime.root();
            RuntimeRecord record = root.load(id);
            String status = record.effectiveStatus();
            if (!force && !RuntimeRecord.STOPPED.equals(status) && !RuntimeRecord.CREATED.equals(status)) {
                throw new RuntimeFailure("cannot delete container " + id + " that is not stopped: " + status);
            }
            ShimClient.connect(root, record).ifPresent(shim -> {
                try (shim) {
                    shim.call(new Request("delete", null, false, true, null, null, null, null));
                } catch (RuntimeFailure e) {
                    // QEMU may still hold the shared directory when the shim unmounts it: deleted again below
                    RuntimeLog.current().write("warning", "the shim's delete of " + id + " failed: " + e.getMessage());
                }
            });
            Leftovers.awaitShimExit(record);
            if (record.ownsVm()) {
                Leftovers.removeSandbox(record);
            }
            root.remove(id);
            return 0;
        }
    }
}
