package dev.vc4j.bench;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * TCP throughput out of the guest, each transfer {@link #BYTES} of zeros sent by busybox nc and timed by the
 * receiver from its first byte to the sender's close:
 * <ul>
 * <li>N1f (the floor): between two plain namespaces on the host joined by a veth, no VM;</li>
 * <li>N1: netns mode, the guest (the pod's end of the same veth) to the peer namespace;</li>
 * <li>N2: the user-mode default, the guest through passt to a receiver on the host's 127.0.0.1 (the sandbox
 * allows the host's loopback for it).</li>
 * </ul>
 * The namespaces (documentation addresses 192.0.2.0/24) are the benchmark's own and removed after it; netns mode
 * and the floor need root, and print as not available without it.
 */
final class NetworkFigures {
    private static final long BYTES = Long.getLong("bench.netMiB", 4) << 20;
    private static final String PEER_IP = "192.0.2.1";
    private static final String POD_IP = "192.0.2.2";
    private static final int PORT = 5001;
    private static final long DEADLINE_SECONDS = 120;
    private static final int LINGER_SECONDS = 3;

    private NetworkFigures() {}

    static List<Figure> measure(VirtContainers vc, int rounds) throws Exception {
        if (!(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0))) {
            String reason = "netns mode and the namespaces of the floor need root";
            return List.of(
                    Figure.notAvailable("N1f", "TCP between two plain namespaces (floor)", reason),
                    Figure.notAvailable("N1", "TCP guest -> peer namespace, netns mode", reason),
                    userMode(vc, rounds).note("no floor: " + reason));
        }
        Path work = TempDirs.create("vc4j-net-bench");
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String pod = "vc4j-bench-pod-" + suffix;
        String peer = "vc4j-bench-peer-" + suffix;
        try {
            pair(pod, peer);
            Path zeros = work.resolve("zeros");
            try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
                f.setLength(BYTES);
            }
            // the floor first: once the sandbox's tc filters are on the pod's veth, its frames go to the VM
            double[] floor = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                floor[i] = intoPeer(
                        peer,
                        () -> run(zeros, "ip", "netns", "exec", pod, "busybox", "nc", PEER_IP, Integer.toString(PORT)));
            }
            double[] netns = new double[rounds];
            Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                    .id("bench-netns-" + suffix)
                    .network(NetworkConfig.namespace(Path.of("/var/run/netns", pod)))
                    .build());
            try {
                for (int i = 0; i < rounds; i++) {
                    netns[i] = intoPeer(peer, () -> sendFromGuest(sandbox, PEER_IP));
                }
            } finally {
                sandbox.delete();
            }
            Figure floorFigure = Figure.of("N1f", "TCP between two plain namespaces (floor)", "MiB/s", Stats.of(floor));
            return List.of(
                    floorFigure,
                    Figure.of("N1", "TCP guest -> peer namespace, netns mode", "MiB/s", Stats.of(netns))
                            .against(floorFigure),
                    userMode(vc, rounds).against(floorFigure));
        } finally {
            ip("netns", "del", peer); // takes the veth along
            ip("netns", "del", pod);
            TempDirs.remove(work);
        }
    }

    private static Figure userMode(VirtContainers vc, int rounds) throws Exception {
        double[] rates = new double[rounds];
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                .id("bench-user-" + UUID.randomUUID().toString().substring(0, 6))
                .network(NetworkConfig.userMode().allowHostLoopback())
                .build());
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Void> sending =
                        sendAsync(() -> sendFromGuest(sandbox, "10.0.2.2", server.getLocalPort()));
                try (Socket accepted = server.accept()) {
                    rates[i] = mibPerSecond(accepted.getInputStream());
                }
                sending.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            sandbox.delete();
        }
        return Figure.of("N2", "TCP guest -> host 127.0.0.1, user mode (passt)", "MiB/s", Stats.of(rates));
    }

    /** Two namespaces joined by a veth: {@code pod} at {@link #POD_IP}, {@code peer} at {@link #PEER_IP}. */
    private static void pair(String pod, String peer) throws IOException, InterruptedException {
        ip("netns", "add", pod);
        ip("netns", "add", peer);
        ip("link", "add", "eth0", "netns", pod, "type", "veth", "peer", "name", "peer0", "netns", peer);
        ip("-n", pod, "addr", "add", POD_IP + "/24", "dev", "eth0");
        ip("-n", pod, "link", "set", "eth0", "up");
        ip("-n", pod, "route", "add", "default", "via", PEER_IP);
        ip("-n", peer, "addr", "add", PEER_IP + "/24", "dev", "peer0");
        ip("-n", peer, "link", "set", "peer0", "up");
    }

    private interface Sender {
        void send() throws Exception;
    }

    /** MiB/s into a busybox nc listening in {@code peer} while {@code sender} sends from elsewhere. */
    private static double intoPeer(String peer, Sender sender) throws Exception {
        // nc ends when its stdin does: the pipe stays open until the transfer is done
        Process receiver = new ProcessBuilder(
                        "ip", "netns", "exec", peer, "busybox", "nc", "-l", "-p", Integer.toString(PORT))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitListening(peer);
            CompletableFuture<Double> rate = CompletableFuture.supplyAsync(() -> {
                try {
                    return mibPerSecond(receiver.getInputStream());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<Void> sending = sendAsync(sender);
            double mibPerSecond = rate.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // closes the sender's connection
            sending.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            return mibPerSecond;
        } finally {
            receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<Void> sendAsync(Sender sender) {
        return CompletableFuture.runAsync(() -> {
            try {
                sender.send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until {@code peer}'s /proc/net/tcp or tcp6 lists {@link #PORT} listening (state 0A). */
    private static void awaitListening(String peer) throws IOException, InterruptedException {
        Pattern listening = Pattern.compile(String.format("(?m)^ *[0-9]+: [0-9A-F]+:%04X [0-9A-F]+:0000 0A ", PORT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening
                .matcher(run(null, "ip", "netns", "exec", peer, "cat", "/proc/net/tcp", "/proc/net/tcp6"))
                .find()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("busybox nc did not listen in " + peer + " within 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** Reads {@link #BYTES} from {@code in}, or the transfer failed; MiB/s from the first byte. */
    private static double mibPerSecond(InputStream in) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        int n = in.read(buffer);
        long start = System.nanoTime();
        long total = Math.max(n, 0);
        while (total < BYTES && (n = in.read(buffer)) > 0) {
            total += n;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (total != BYTES) {
            throw new IllegalStateException("received " + total + " bytes of " + BYTES);
        }
        return BYTES / (double) (1 << 20) / seconds;
    }

    private static void sendFromGuest(Sandbox sandbox, String address) {
        sendFromGuest(sandbox, address, PORT);
    }

    /**
     * The guest's nc keeps the connection open a while after the last byte, until the receiver, who has them all,
     * closes it: passt (Debian 12's) lost the tail of a stream the guest closed at once after writing it.
     */
    private static void sendFromGuest(Sandbox sandbox, String address, int port) {
        ExecResult r = sandbox.exec(GuestCommand.of(
                "sh",
                "-c",
                "(head -c " + BYTES + " /dev/zero; sleep " + LINGER_SECONDS + ") | busybox nc " + address + " "
                        + port));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("the guest's nc exited " + r.exitCode() + ": " + r.stderrText());
        }
    }

    private static void ip(String... argv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(argv));
        run(null, command.toArray(String[]::new));
    }

    /** {@code argv} with {@code stdin} (null: none) and a deadline; its stdout, or a failure with its stderr. */
    private static String run(Path stdin, String... argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from((stdin == null ? Path.of("/dev/null") : stdin).toFile()))
                .start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = process.getInputStream().readNBytes(1 << 20);
        if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", argv) + " did not end in " + DEADLINE_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            String stderr;
            try {
                stderr = new String(err.get(10, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                stderr = "";
            }
            throw new IllegalStateException(String.join(" ", argv) + " exited " + process.exitValue() + ": " + stderr);
        }
        return new String(out);
    }
}
