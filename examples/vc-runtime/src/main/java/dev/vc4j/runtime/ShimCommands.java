package dev.vc4j.runtime;

import dev.vc4j.oci.OciProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The host processes that outlive a command: a container's shim and a detached exec's relay. Not for users. */
final class ShimCommands {

    private ShimCommands() {}

    static final Flags SHIM_FLAGS = new Flags().value("console-socket", null, "SOCKET", "The terminal's socket.");

    /** shim: the host process of a container, started by create. */
    static int shim(VcRuntime runtime, Arguments arguments) throws InterruptedException {
        RuntimeRoot root = runtime.root();
        RuntimeRecord record = root.load(arguments.positionals().get(0));
        Path consoleSocket = arguments.path("console-socket");
        return record.ownsVm() ? new Shim(root, record, consoleSocket).run() : MemberShim.run(root, record);
    }

    /** What a relay reports once its exec runs (error null) or failed. */
    record RelayStatus(String error) {}

    /** exec-relay: the host process of a detached exec. */
    static class ExecRelay extends ContainerCommand {
        static final Flags FLAGS = new Flags()
                .value("name", null, "NAME", "The exec's files in the container's directory.")
                .value("console-socket", null, "SOCKET", "The terminal's socket.");

        private final String name;
        private final Path consoleSocket;

        ExecRelay(VcRuntime runtime, Arguments arguments) {
            super(runtime, arguments);
            this.name = arguments.value("name").orElseThrow(() -> new RuntimeFailure("exec-relay needs --name"));
            this.consoleSocket = arguments.path("console-socket");
        }

        /**
         * Starts the relay of a detached exec, waits until its process runs (its terminal's master sent to
         * {@code consoleSocket} when there is one), and writes the relay's pid.
         */
        static int spawn(
                VcRuntime runtime, RuntimeRecord record, OciProcess process, Path pidFile, Path consoleSocket) {
            String name = ExecCommand.relayName();
            Path dir = runtime.root().dir(record.id());
            Path processFile = dir.resolve(name + ".json");
            Path statusFile = dir.resolve(name + ".status");
            try {
                Files.writeString(processFile, process.toJson());
            } catch (IOException e) {
                throw new RuntimeFailure("cannot write " + processFile + ": " + e.getMessage(), e);
            }
            List<String> args = new ArrayList<>(List.of("exec-relay", "--name", name));
            if (consoleSocket != null) {
                args.addAll(List.of("--console-socket", consoleSocket.toString()));
            }
            args.add(record.id());
            Process relay = Spawner.start(runtime, args);
            try {
                RelayStatus status = Spawner.await(relay, () -> readStatus(statusFile), "the exec's relay");
                if (status.error() != null) {
                    throw new RuntimeFailure(status.error());
                }
                if (pidFile != null) {
                    Spawner.writePidFile(pidFile, relay.pid());
                }
                return 0;
            } finally {
                deleteQuietly(processFile);
                deleteQuietly(statusFile);
            }
        }

        @Override
        public Integer call() throws IOException {
            long starter =
                    ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
            Libc.C.setsid();
            Path dir = runtime.root().dir(id);
            RuntimeRecord record = runtime.root().load(id);
            Path status = dir.resolve(name + ".status");
            PtyTerminal terminal;
            try {
                terminal = ExecCommand.terminal(consoleSocket);
            } catch (IOException e) {
                writeStatus(status, new RelayStatus(e.getMessage()));
                return 1;
            }
            try (terminal;
                    ShimClient shim =
                            ShimClient.connect(runtime.root(), record).orElseThrow(RuntimeFailure::notRunning)) {
                try {
                    String process = Files.readString(dir.resolve(name + ".json"), StandardCharsets.UTF_8);
                    shim.call(ExecCommand.request(OciProcess.parse(process)));
                } catch (RuntimeException e) {
                    writeStatus(status, new RelayStatus(Errors.message(e)));
                    return 1;
                }
                writeStatus(status, new RelayStatus(null));
                int code = ExecStreams.relay(shim, terminal);
                Spawner.outlive(starter, Spawner.STARTER_EXIT_DEADLINE);
                return code;
            }
        }

        private static RelayStatus readStatus(Path file) {
            try {
                return Files.exists(file) ? RuntimeJson.read(Files.readAllBytes(file), RelayStatus.class) : null;
            } catch (IOException e) {
                throw new RuntimeFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private static void writeStatus(Path file, RelayStatus status) throws IOException {
            Path tmp = Files.createTempFile(file.getParent(), ".status", ".tmp");
            Files.write(tmp, RuntimeJson.bytes(status));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }

        private static void deleteQuietly(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                RuntimeLog.current().write("warning", "cannot remove " + file + ": " + e.getMessage());
            }
        }
    }
}
