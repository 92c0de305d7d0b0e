package dev.vc4j.runtime;

import dev.vc4j.runtime.ShimProtocol.Reply;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Timer;
import java.util.TimerTask;

/** A connection of a short-lived command to a container's shim (see {@link ShimProtocol}). */
final class ShimClient implements AutoCloseable {
    /** Long enough for an agent call that waits for its own deadline; a shim that does not answer is hung. */
    static final Duration CALL_DEADLINE = Duration.ofSeconds(90);

    private final SocketChannel channel;
    private final String containerId;
    final DataInputStream in;
    final DataOutputStream out;

    private ShimClient(SocketChannel channel, String containerId) {
        this.channel = channel;
        this.containerId = containerId;
        this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel)));
        this.out = new DataOutputStream(ChannelStreams.out(channel));
    }

    /** The socket of the shim that owns the VM: in its sandbox's run directory, which vc4j removes with the sandbox. */
    static Path socket(RuntimeRecord record) {
        return Path.of(record.storeRun())
                .resolve("sbs")
                .resolve(record.sandboxId())
                .resolve(ShimProtocol.SOCKET);
    }

    /**
     * A connection about the container of {@code record} to the shim that owns its VM: its own, or for a container
     * that joined a pod, the pod's sandbox container's. Empty when that shim is gone.
     */
    static Optional<ShimClient> connect(RuntimeRoot root, RuntimeRecord record) {
        RuntimeRecord owner =
                record.ownsVm() ? record : root.read(record.sandboxId()).orElse(null);
        if (owner == null || !owner.shimAlive()) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket(record)));
                return Optional.of(new ShimClient(channel, record.id()));
            } catch (IOException e) {
                channel.close();
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Sends {@code request} and returns the reply; a reply with an error is thrown as runc's message. */
    Reply call(Request request) {
        Timer watchdog = new Timer("vc-runtime-deadline", true);
        watchdog.schedule(
                new TimerTask() {
                    @Override
                    public void run() {
                        close();
                    }
                },
                CALL_DEADLINE.toMillis());
        try {
            ShimProtocol.writeLine(out, request.to(containerId));
            Reply reply = ShimProtocol.readLine(in, Reply.class);
            if (reply.error() != null) {
                throw new RuntimeFailure(reply.error());
            }
            return reply;
        } catch (ClosedChannelException e) {
            throw new RuntimeFailure("the container's shim did not answer " + request.op() + " within "
                    + CALL_DEADLINE.toSeconds() + " s");
        } catch (IOException e) {
            throw new RuntimeFailure(
                    "the container's shim failed to answer " + request.op() + ": " + e.getMessage(), e);
        } finally {
            watchdog.cancel();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a unix socket whose peer is gone: nothing to release
        }
    }
}
