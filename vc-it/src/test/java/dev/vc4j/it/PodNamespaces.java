package dev.vc4j.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a CNI plugin leaves for a pod, made by the test: a pod namespace holding one end of a veth pair, the other
 * end in a peer namespace, documentation addresses (198.51.100.0/24) on both, and the peer as the pod's gateway.
 * Nothing here touches the host's own namespace.
 */
final class PodNamespaces implements AutoCloseable {
    static final String POD_IP = "198.51.100.2";
    static final String PEER_IP = "198.51.100.1";
    static final String POD_LINK = "eth0";
    static final String LOOSE_END = "cni0";

    /** Null for {@link #peerWithLooseEnd}: the pod's namespace is then the sandbox's own. */
    final String pod;

    final String peer;
    private final List<Process> servers = new ArrayList<>();

    private PodNamespaces(String pod, String peer) {
        this.pod = pod;
        this.peer = peer;
    }

    static PodNamespaces create() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        PodNamespaces ns = new PodNamespaces("vc4j-pod-" + suffix, "vc4j-peer-" + suffix);
        ip("netns", "add", ns.pod);
        try {
            ip("netns", "add", ns.peer);
            ip("link", "add", POD_LINK, "netns", ns.pod, "type", "veth", "peer", "name", "peer0", "netns", ns.peer);
            ip("-n", ns.pod, "addr", "add", POD_IP + "/24", "dev", POD_LINK);
            ip("-n", ns.pod, "link", "set", POD_LINK, "up");
            ip("-n", ns.pod, "link", "set", "lo", "up");
            ip("-n", ns.pod, "route", "add", "default", "via", PEER_IP);
            ns.addressPeer();
        } catch (Exception | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * Only the peer namespace, holding both ends of the veth: the pod's end, {@link #LOOSE_END}, waits there for a
     * prestart hook to move it into the sandbox's namespace and address it, as a CNI plugin would.
     */
    static PodNamespaces peerWithLooseEnd() throws Exception {
        PodNamespaces ns = peerOnly();
        try {
            ip("-n", ns.peer, "link", "add", LOOSE_END, "type", "veth", "peer", "name", "peer0");
            ns.addressPeer();
        } catch (Exception | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Only the peer namespace, with nothing but lo: {@link #cniCreateHook} makes the veth. */
    static PodNamespaces peerOnly() throws Exception {
        PodNamespaces ns = new PodNamespaces(
                null, "vc4j-peer-" + UUID.randomUUID().toString().substring(0, 6));
        ip("netns", "add", ns.peer);
        return ns;
    }

    /**
     * Writes {@code dir/cni-create}, a prestart hook that makes a veth pair from the network namespace it runs in
     * ({@link #POD_LINK}, {@link #POD_IP}, the peer as gateway) to the peer's ({@code peer0}, {@link #PEER_IP}),
     * as a bridge-less CNI plugin would, at each run anew.
     */
    Path cniCreateHook(Path dir) throws IOException {
        return hook(
                dir.resolve("cni-create"),
                "/usr/sbin/ip link add " + POD_LINK + " type veth peer name peer0 netns " + peer,
                "/usr/sbin/ip -n " + peer + " addr add " + PEER_IP + "/24 dev peer0",
                "/usr/sbin/ip -n " + peer + " link set peer0 up",
                "/usr/sbin/ip addr add " + POD_IP + "/24 dev " + POD_LINK,
                "/usr/sbin/ip link set " + POD_LINK + " up",
                "/usr/sbin/ip route add default via " + PEER_IP);
    }

    private static Path hook(Path file, String... lines) throws IOException {
        List<String> script = new ArrayList<>(List.of("#!/bin/sh", "set -e"));
        script.addAll(List.of(lines));
        Files.writeString(file, String.join("\n", script) + "\n");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    /**
     * Writes {@code dir/cni-add}, a prestart hook that does what a CNI plugin's ADD does for the pod, in the network
     * namespace it runs in: moves {@link #LOOSE_END} there as {@link #POD_LINK}, gives it {@link #POD_IP} and the
     * peer as gateway. It writes the namespace it ran in ({@code net:[inode]}) to {@code dir/cni-netns}.
     */
    Path cniAddHook(Path dir) throws IOException {
        return hook(
                dir.resolve("cni-add"),
                "/usr/bin/readlink /proc/self/ns/net > " + dir.resolve("cni-netns"),
                "/usr/sbin/ip -n " + peer + " link set " + LOOSE_END + " netns $$",
                "/usr/sbin/ip link set " + LOOSE_END + " name " + POD_LINK,
                "/usr/sbin/ip addr add " + POD_IP + "/24 dev " + POD_LINK,
                "/usr/sbin/ip link set " + POD_LINK + " up",
                "/usr/sbin/ip route add default via " + PEER_IP);
    }

    private void addressPeer() throws Exception {
        ip("-n", peer, "addr", "add", PEER_IP + "/24", "dev", "peer0");
        ip("-n", peer, "link", "set", "peer0", "up");
        ip("-n", peer, "link", "set", "lo", "up");
    }

    Path podPath() {
        return Path.of("/var/run/netns", pod);
    }

    /** A busybox httpd in the peer namespace serving {@code dir} on {@code port}, until close. */
    void servePeer(Path dir, int port) throws IOException {
        servers.add(new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        peer,
                        "busybox",
                        "httpd",
                        "-f",
                        "-p",
                        Integer.toString(port),
                        "-h",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
    }

    /** Runs {@code argv} in the peer namespace; its output, or a failure with it. */
    String inPeer(String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", peer));
        command.addAll(List.of(argv));
        return run(command);
    }

    static String ip(String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(argv));
        return run(command);
    }

    static String tc(String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("tc"));
        command.addAll(List.of(argv));
        return run(command);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readNBytes(1 << 20);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not end");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + ": " + text);
        return text;
    }

    @Override
    public void close() throws Exception {
        for (Process server : servers) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        new ProcessBuilder("ip", "netns", "del", peer).start().waitFor(10, TimeUnit.SECONDS);
        if (pod != null) {
            new ProcessBuilder("ip", "netns", "del", pod).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
