package dev.vc4j.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.NetworkException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What vc4j added to a sandbox's network namespace, persisted in the run directory as each piece is made, so that
 * any process, also after the creating one was killed, takes back exactly that: each tap (its qdisc and filter go
 * with it) and each ingress qdisc put on a pod interface (its filter goes with it), those of interfaces added to the
 * running sandbox included, or the whole namespace when vc4j {@code created} it. The interfaces of a namespace vc4j
 * did not create are never removed.
 */
record NetnsState(int version, String namespace, boolean created, List<Wire> wires) {
    static final String FILE = "netns.json";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pod interface (with its MAC, which the guest's NIC took) and its tap; {@code podIngress} when vc4j put the
     * ingress qdisc on the pod interface, {@code hotplugged} when the interface was added to the running sandbox.
     */
    record Wire(String pod, String mac, String tap, boolean podIngress, boolean hotplugged) {
        Wire withPodIngress() {
            return new Wire(pod, mac, tap, true, hotplugged);
        }
    }

    NetnsState {
        wires = wires == null ? List.of() : List.copyOf(wires);
    }

    /** The caller's namespace, nothing in it made yet. */
    static NetnsState given(Path namespace) {
        return new NetnsState(VERSION, namespace.toString(), false, List.of());
    }

    /** A namespace of vc4j's own, recorded before it is made: removing one never made finds nothing to remove. */
    static NetnsState created(Path namespace) {
        return new NetnsState(VERSION, namespace.toString(), true, List.of());
    }

    /** This state with {@code wire} added or, for the same tap, replaced. */
    NetnsState with(Wire wire) {
        List<Wire> more = new ArrayList<>(
                wires.stream().filter(w -> !w.tap().equals(wire.tap())).toList());
        more.add(wire);
        return new NetnsState(version, namespace, created, more);
    }

    /** This state without the wire of {@code tap}. */
    NetnsState without(String tap) {
        return new NetnsState(
                version,
                namespace,
                created,
                wires.stream().filter(w -> !w.tap().equals(tap)).toList());
    }

    static Optional<NetnsState> read(Path runDir) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(runDir.resolve(FILE)), NetnsState.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new NetworkException("unreadable network state " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Written to a temp file, synced and renamed, so a reader finds the old or the new state, never a torn one. */
    void write(Path runDir) {
        Path file = runDir.resolve(FILE);
        Path temp = runDir.resolve(FILE + ".tmp");
        try {
            Files.write(temp, JSON.writeValueAsBytes(this));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new NetworkException("cannot record the network state in " + file + ": " + e.getMessage(), e);
        }
    }

    static void remove(Path runDir) {
        try {
            Files.deleteIfExists(runDir.resolve(FILE));
        } catch (IOException e) {
            throw new NetworkException("cannot remove " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
