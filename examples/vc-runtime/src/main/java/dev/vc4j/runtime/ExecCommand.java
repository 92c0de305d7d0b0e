package dev.vc4j.runtime;

import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.User;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code exec}: a process in a running container, from {@code --process} or runc's inline form (the rest of the
 * command line over the bundle's process). Attached, this process relays its stdio and exits with the exec's
 * code; with {@code --detach}, a relay process of its own does (its pid to {@code --pid-file}).
 */
final class ExecCommand extends ContainerCommand {
    static final Flags FLAGS = new Flags()
            .value("process", "p", "FILE", "An OCI process JSON file.")
            .bool("detach", "d", "Return once the process runs.")
            .value("pid-file", null, "FILE", "Where to write the pid of the process's host relay.")
            .bool("tty", "t", "Give the process a terminal.")
            .value("console-socket", null, "SOCKET", "A unix socket to send the terminal's master to.")
            .value("cwd", null, "DIR", "Working directory in the container.")
            .value("env", "e", "NAME=VALUE", "To add to the environment (repeatable).")
            .value("user", "u", "UID[:GID]", "The user to run as, by number.")
            .value("cap", "c", "CAPABILITY", "A capability to add (repeatable).")
            .bool("no-new-privs", null, "Do not let the process gain privileges.")
            .value("preserve-fds", null, "N", "Accepted for runc compatibility; none are passed to the VM.")
            .value("process-label", null, "LABEL", "Accepted for runc compatibility: the guest has no SELinux.")
            .value("apparmor", null, "PROFILE", "Accepted for runc compatibility: the guest has no AppArmor.");

    private final Path processFile;
    private final boolean detach;
    private final Path pidFile;
    private final boolean tty;
    private final Path consoleSocket;
    private final String cwd;
    private final List<String> env;
    private final String user;
    private final List<String> caps;
    private final boolean noNewPrivs;
    /** The inline form: the program and its arguments, after the container's id. */
    private final List<String> command;

    ExecCommand(VcRuntime runtime, Arguments arguments) {
        super(runtime, arguments);
        this.processFile = arguments.path("process");
        this.detach = arguments.flag("detach");
        this.pidFile = arguments.path("pid-file");
        this.tty = arguments.flag("tty");
        this.consoleSocket = arguments.path("console-socket");
        this.cwd = arguments.value("cwd").orElse(null);
        this.env = arguments.values("env");
        this.user = arguments.value("user").orElse(null);
        this.caps = arguments.values("cap");
        this.noNewPrivs = arguments.flag("no-new-privs");
        List<String> positionals = arguments.positionals();
        this.command = positionals.subList(1, positionals.size());
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        OciProcess fromFile = processFile == null ? null : ExecProcess.read(processFile);
        RuntimeRecord record = runtime.root().load(id);
        OciProcess process = fromFile != null ? fromFile : inline(record);
        if (tty && !Boolean.TRUE.equals(process.terminal())) {
            process = process.toBuilder().terminal(true).build();
        }
        checkTerminal(Boolean.TRUE.equals(process.terminal()), detach, consoleSocket);
        Spawner.checkPidFile(pidFile);
        String status = record.effectiveStatus();
        if (RuntimeRecord.STOPPED.equals(status)) {
            throw new RuntimeFailure("exec failed: cannot exec in a stopped container");
        }
        if (!RuntimeRecord.RUNNING.equals(status)) {
            throw RuntimeFailure.notRunning();
        }
        if (detach) {
            return ShimCommands.ExecRelay.spawn(runtime, record, process, pidFile, consoleSocket);
        }
        try (ShimClient shim = ShimClient.connect(runtime.root(), record).orElseThrow(RuntimeFailure::notRunning);
                PtyTerminal terminal = terminal(consoleSocket)) {
            shim.call(request(process));
            return ExecStreams.relay(shim, terminal);
        }
    }

    /** runc's rules: a console socket only for a terminal, and a detached terminal only with a console socket. */
    static void checkTerminal(boolean terminal, boolean detach, Path consoleSocket) {
        if (consoleSocket != null && !terminal) {
            throw new RuntimeFailure("--console-socket " + consoleSocket
                    + ": the process has no terminal (process.terminal is false and there is no --tty)");
        }
        if (terminal && detach && consoleSocket == null) {
            throw new RuntimeFailure("a detached exec with a terminal needs --console-socket for its pty's master");
        }
    }

    /**
     * The exec's terminal: a pty pair whose master went to {@code consoleSocket}, sent before the process starts as
     * runc sends it; null without a socket.
     */
    static PtyTerminal terminal(Path consoleSocket) throws IOException {
        return consoleSocket == null ? null : new PtyConsoleSocket().sendMaster(consoleSocket);
    }

    static Request request(OciProcess process) {
        return new Request("exec", null, false, false, process.toJson(), null, null, null);
    }

    /** runc's inline exec: the bundle's process with this command line's program, terminal, env, user and cwd. */
    private OciProcess inline(RuntimeRecord record) {
        if (command.isEmpty()) {
            throw new RuntimeFailure("exec needs --process or a command to run");
        }
        OciProcess base =
                LifecycleCommands.readBundle(Path.of(record.bundle())).spec().process();
        List<String> environment = new ArrayList<>(base.env() == null ? List.of() : base.env());
        environment.addAll(env);
        OciProcess.Builder builder = base.toBuilder()
                .args(command)
                .terminal(tty)
                .env(environment)
                .noNewPrivileges(noNewPrivs || Boolean.TRUE.equals(base.noNewPrivileges()));
        if (cwd != null) {
            builder.cwd(cwd);
        }
        if (user != null) {
            builder.user(user(user));
        }
        if (!caps.isEmpty()) {
            List<String> effective = new ArrayList<>(caps);
            builder.capabilities(dev.vc4j.oci.LinuxCapabilities.builder()
                    .effective(effective)
                    .build());
        }
        return builder.build();
    }

    /** {@code UID} or {@code UID:GID}, by number as runc takes them. */
    static User user(String text) {
        String[] parts = text.split(":", 2);
        try {
            return User.builder()
                    .uid(Long.parseLong(parts[0]))
                    .gid(parts.length > 1 ? Long.parseLong(parts[1]) : 0L)
                    .build();
        } catch (NumberFormatException e) {
            throw new RuntimeFailure("invalid --user \"" + text + "\": UID or UID:GID, as numbers");
        }
    }

    static String relayName() {
        return "exec-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
