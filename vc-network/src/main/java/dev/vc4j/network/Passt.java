package dev.vc4j.network;

import dev.vc4j.NetworkConfig;
import dev.vc4j.NetworkException;
import dev.vc4j.PortForward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The user-mode network of one sandbox: a passt process serving the VM's NIC on a unix socket in the sandbox's run
 * directory. passt runs one-off: it ends when the VM's QEMU closes the socket, so a VM that ends, however it ends,
 * takes its network with it; {@link #stop} is for a VM that never connected. Its pid is recorded so that any
 * process can stop it.
 */
final class Passt {
    static final String SOCKET = "passt.sock";
    static final String PID = "passt.pid";
    static final String LOG = "passt.log";
    /** passt binds its socket and ports within milliseconds; a slow machine gets plenty more. */
    private static final Duration READY = Duration.ofSeconds(10);

    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final int LOG_EXCERPT = 2000;

    private Passt() {}

    /** Starts passt for {@code config} and returns its socket, once it accepts QEMU. */
    static Path start(Path runDir, NetworkConfig config) {
        HostPorts.requireFree(config.portForwards());
        Path socket = runDir.resolve(SOCKET);
        Path log = runDir.resolve(LOG);
        Process process;
        try {
            Files.deleteIfExists(socket);
            process = new ProcessBuilder(argv(socket, config, HostIds.current()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            Files.writeString(runDir.resolve(PID), Long.toString(process.pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new NetworkException("cannot start passt for the sandbox's user-mode network: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                stop(runDir);
                throw new NetworkException(
                        "passt did not open " + socket + " within " + READY.toMillis() + " ms: " + excerpt(log));
            }
            sleep();
        }
        return socket;
    }

    /**
     * passt with the guest's fixed addressing, IPv4 only (the guest is given no IPv6 plan), DNS queries to 10.0.2.3
     * forwarded to the host's resolver; the gateway mapped to the host's loopback only when the config allows it.
     * As root, passt would drop to nobody, who may not open the run directory: it keeps the caller's ids, without
     * capabilities.
     */
    static List<String> argv(Path socket, NetworkConfig config, HostIds ids) {
        List<String> argv = new ArrayList<>(List.of(
                "passt",
                "--foreground",
                "--quiet",
                "--one-off",
                "--ipv4-only",
                "--runas",
                ids.uid() + ":" + ids.gid(),
                "--socket",
                socket.toString(),
                "--address",
                HostNetwork.USER_GUEST_IP,
                "--netmask",
                Integer.toString(HostNetwork.USER_PREFIX),
                "--gateway",
                HostNetwork.USER_GATEWAY,
                "--dns-forward",
                HostNetwork.USER_DNS,
                "--no-dhcp",
                "--tcp-ports",
                ports(config.portForwards(), PortForward.Protocol.TCP),
                "--udp-ports",
                ports(config.portForwards(), PortForward.Protocol.UDP)));
        if (!config.hostLoopback()) {
            argv.add("--no-map-gw");
        }
        return argv;
    }

    /** passt's port spec: {@code ADDRESS/HOSTPORT:GUESTPORT}, comma-separated, or none. */
    private static String ports(List<PortForward> forwards, PortForward.Protocol protocol) {
        List<String> specs = forwards.stream()
                .filter(f -> f.protocol() == protocol)
                .map(f -> f.hostAddress() + "/" + f.hostPort() + ":" + f.guestPort())
                .toList();
        return specs.isEmpty() ? "none" : String.join(",", specs);
    }

    /**
     * Ends the passt recorded in {@code runDir}, if it still runs (a pid reused since by another program is left
     * alone: passt's command line names this socket), and removes its files.
     */
    static void stop(Path runDir) {
        Path socket = runDir.resolve(SOCKET);
        recordedPid(runDir.resolve(PID))
                .flatMap(ProcessHandle::of)
                .filter(p -> commandLine(p.pid()).contains(socket.toString()))
                .ifPresent(Passt::end);
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(runDir.resolve(PID));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove passt's files in " + runDir, e);
        }
    }

    private static void end(ProcessHandle passt) {
        passt.destroy();
        try {
            passt.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            passt.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException("onExit does not fail", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            passt.destroyForcibly();
        }
    }

    private static Optional<Long> recordedPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new NetworkException("unreadable passt pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }

    /** The process's argv joined by spaces, or empty once it is gone. */
    private static String commandLine(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static String excerpt(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > LOG_EXCERPT ? text.substring(text.length() - LOG_EXCERPT) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while waiting for passt", e);
        }
    }
}
