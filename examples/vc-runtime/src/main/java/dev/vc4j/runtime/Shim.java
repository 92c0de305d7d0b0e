package dev.vc4j.runtime;

import dev.vc4j.Bundle;
import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.DeleteMode;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StopMode;
import dev.vc4j.StoreRoots;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.VirtContainers;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The host process of one container, started by {@code create} and living as long as the container: it boots the
 * sandbox's VM, creates the container from the bundle, owns the agent connection, streams the container's stdio
 * between the descriptors it inherited from {@code create} and the guest, forwards the signals it gets, answers
 * the short-lived commands on its socket ({@link ShimRequests}), and once the container has exited, stops the VM,
 * records the exit code and exits with it.
 */
final class Shim {
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);
    /** How long output still in flight after the exit may take to reach the engine. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final RuntimeRoot root;
    private RuntimeRecord record;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int exitCode;
    private volatile boolean deleting;
    private Sandbox sandbox;
    private Container container;
    private ContainerProcess init;
    private ServerSocketChannel server;
    private final PodMembers members;
    private Pump stdout;
    private Pump stderr;
    private final Path consoleSocket;
    private PtyTerminal terminal;

    /** {@code consoleSocket}: where the container's terminal goes, null for plain stdio. */
    Shim(RuntimeRoot root, RuntimeRecord record, Path consoleSocket) {
        this.root = root;
        this.record = record;
        this.consoleSocket = consoleSocket;
        this.members = new PodMembers(root);
    }

    /** Runs the shim to its end; returns the container's exit code, or 1 when the create failed. */
    int run() throws InterruptedException {
        Libc.C.setsid();
        ProcessHandle self = ProcessHandle.current();
        record = record.withShim(self.pid(), RuntimeRecord.started(self));
        root.write(record);
        try {
            boot();
        } catch (RuntimeException | Error e) {
            root.write(record.failed(Errors.message(e)));
            return 1;
        }
        update(RuntimeRecord.CREATED);
        SignalForwarding.install(signal -> container.kill(signal));
        Thread acceptor = new Thread(this::accept, "vc-runtime-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread waiter = new Thread(this::awaitExit, "vc-runtime-exit");
        waiter.setDaemon(true);
        waiter.start();
        done.await();
        return exitCode;
    }

    /** The VM and the container; on a failure, everything made so far is removed again. */
    private void boot() {
        Bundle bundle = Bundle.read(Path.of(record.bundle()));
        VirtContainers vc = VirtContainers.builder()
                .roots(new StoreRoots(Path.of(record.storeRun()), Path.of(record.storeConfig())))
                .build();
        sandbox = vc.createSandbox(SandboxConfig.builder()
                .id(record.sandboxId())
                .network(BundleNetwork.of(bundle))
                .build());
        try {
            container =
                    sandbox.createContainer(bundle.toConfig().id(record.id()).build());
            init = container.process();
            Path socket = ShimClient.socket(record);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            if (consoleSocket != null) {
                terminal = new PtyConsoleSocket().sendMaster(consoleSocket);
                terminal.onResize(size -> init.resizeTty(size.rows(), size.columns()));
            }
        } catch (IOException e) {
            removeSandbox();
            throw new RuntimeFailure("cannot listen on the shim's socket: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            removeSandbox();
            throw e;
        }
        stdout = Pump.start(
                "stdout",
                init.stdout(),
                terminal != null ? terminal.output() : new FileOutputStream(FileDescriptor.out),
                false);
        stderr = Pump.start("stderr", init.stderr(), new FileOutputStream(FileDescriptor.err), false);
    }

    private boolean own(String id) {
        return id == null || id.equals(record().id());
    }

    /** This shim's container, or a member of its pod. */
    Container container(String id) {
        return own(id) ? container : members.get(id);
    }

    String status(String id) {
        return own(id) ? record().status() : members.status(id);
    }

    void update(String id, String status) {
        if (own(id)) {
            update(status);
        } else {
            members.update(id, status);
        }
    }

    void start(String id) {
        if (own(id)) {
            start();
        } else {
            members.get(id).start();
            members.update(id, RuntimeRecord.RUNNING);
        }
    }

    /** This shim's container with the VM (ending the shim), or a member of its pod. */
    void delete(String id) {
        if (own(id)) {
            delete();
        } else {
            members.delete(id);
        }
    }

    /** A container of the pod joins this shim's VM. */
    ContainerProcess join(String id, Path bundle) {
        return members.join(sandbox, id, bundle);
    }

    synchronized RuntimeRecord record() {
        return record;
    }

    private synchronized void update(String status) {
        record = record.withStatus(status);
        root.write(record);
    }

    /** Starts the container's process and feeds it what comes on the shim's stdin. */
    private void start() {
        container.start();
        update(RuntimeRecord.RUNNING);
        Pump.start(
                "stdin",
                terminal != null ? terminal.input() : new FileInputStream(FileDescriptor.in),
                init.stdin(),
                true);
    }

    /** Kills what runs, removes the container and the sandbox with its VM, and ends the shim. */
    private void delete() {
        deleting = true;
        try {
            container.delete(DeleteMode.FORCE);
        } finally {
            removeSandbox();
        }
    }

    /**
     * Once a delete has been answered, whether it succeeded or not: the shim of a sandbox container it began to
     * delete ends (the caller removes what is left of the sandbox).
     */
    void deleted(String id) {
        if (own(id) && deleting) {
            finish(137);
        }
    }

    private void removeSandbox() {
        try {
            if (sandbox.status().state() == SandboxState.RUNNING) {
                sandbox.stop(StopMode.IMMEDIATE);
            }
        } finally {
            sandbox.delete();
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread handler = new Thread(() -> new ShimRequests(this).serve(connection), "vc-runtime-request");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    RuntimeLog.current().write("error", "the shim's socket failed: " + e.getMessage());
                }
                return;
            }
        }
    }

    /** The container's process ends (or is killed before its start): the output drains, the VM stops, the shim ends. */
    private void awaitExit() {
        int code;
        while (true) {
            try {
                code = init.waitFor(WAIT_SLICE);
                break;
            } catch (VcTimeoutException e) {
                // still running
            } catch (RuntimeException e) {
                if (deleting) {
                    return; // the delete ends the shim once it has answered
                }
                RuntimeLog.current().write("error", "waiting for the container failed: " + Errors.message(e));
                code = 255;
                break;
            }
        }
        try {
            stdout.join(DRAIN);
            stderr.join(DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Neither a record that cannot be written (a full disk, a root removed under the shim) nor a failed stop
        // may keep the shim from ending: the engine waits for its pid, and the VM must not outlive it.
        try {
            synchronized (this) {
                record = record.exited(code);
                root.write(record);
            }
        } catch (RuntimeException e) {
            RuntimeLog.current().write("error", "recording the container's exit failed: " + Errors.message(e));
        }
        try {
            sandbox.stop(StopMode.IMMEDIATE);
        } catch (RuntimeException e) {
            RuntimeLog.current().write("warning", "stopping the VM failed: " + Errors.message(e));
        } finally {
            finish(code);
        }
    }

    private void finish(int code) {
        exitCode = code;
        try {
            server.close();
            Files.deleteIfExists(ShimClient.socket(record));
        } catch (IOException e) {
            RuntimeLog.current().write("debug", "closing the shim's socket: " + e.getMessage());
        }
        done.countDown();
    }
}
