package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.HypervisorException;
import dev.vc4j.QmpCommandException;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.spi.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One QMP connection. A single reader thread takes every message off the socket: replies complete the
 * command with the same id, events go to the listeners. Every command has a deadline, and end of stream
 * fails every waiting command at once. The log has each command's name, id, outcome and duration, and each event's
 * name: never their arguments or data.
 */
final class QmpClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.qemu.qmp");

    private final Path socket;
    private final SocketChannel channel;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final Set<EventWait> eventWaits = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    /** Completed with the reason when QEMU ends the connection; never when vc4j closes it. */
    private final CompletableFuture<String> lost = new CompletableFuture<>();

    private volatile String closedReason;

    /** Reads QEMU's side of {@code channel} from now on; {@link #connect} is the way in but for tests of the stream. */
    QmpClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        // it logs for the sandbox whose VM the connection is opened for
        LogContext.daemonThread("qmp-reader " + socket.getFileName(), this::readLoop)
                .start();
    }

    /**
     * Connects, reads the greeting and negotiates capabilities. QEMU creates its socket before it has
     * checked all its arguments, so {@code qemuAlive} is asked between attempts and the wait ends as soon
     * as QEMU is gone.
     */
    static QmpClient connect(Path socket, Duration timeout, Runnable qemuAlive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = openWhenListening(socket, deadline, timeout, qemuAlive);
        QmpClient client = new QmpClient(socket, channel);
        try {
            client.awaitGreeting(deadline, timeout, qemuAlive);
            client.execute("qmp_capabilities", null, remaining(deadline));
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static SocketChannel openWhenListening(Path socket, long deadline, Duration timeout, Runnable qemuAlive) {
        while (true) {
            qemuAlive.run();
            try {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    if (connectNow(ch, socket)) {
                        return ch;
                    }
                } catch (IOException e) {
                    // not listening yet, or gone: asked again until the deadline
                }
                ch.close();
            } catch (IOException e) {
                throw new HypervisorException("cannot open a unix socket for QMP: " + e.getMessage(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new VcTimeoutException("connecting to QMP socket " + socket, timeout, null);
            }
            sleep(10);
        }
    }

    /**
     * QEMU listens with a backlog of one and accepts one client at a time: a blocking connect to a VM that
     * another process holds waits in the kernel with no deadline. Non-blocking, a full backlog fails at once
     * (EAGAIN, which NIO reports as a pending connect) and is asked again until the caller's deadline.
     */
    private static boolean connectNow(SocketChannel ch, Path socket) throws IOException {
        ch.configureBlocking(false);
        if (!ch.connect(UnixDomainSocketAddress.of(socket))) {
            return false;
        }
        ch.configureBlocking(true);
        return true;
    }

    private void awaitGreeting(long deadline, Duration timeout, Runnable qemuAlive) {
        while (true) {
            qemuAlive.run();
            try {
                greeting.get(20, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new VcTimeoutException("waiting for the QMP greeting on " + socket, timeout, null);
                }
            } catch (ExecutionException e) {
                throw asRuntime(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("interrupted while waiting for QMP", e);
            }
        }
    }

    /** Runs one command and returns its {@code return} value; a QMP error becomes a QmpCommandException. */
    JsonNode execute(String command, ObjectNode arguments, Duration timeout) {
        String id = Long.toString(ids.incrementAndGet());
        long started = System.nanoTime();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            if (closedReason != null) {
                throw closedError();
            }
            ObjectNode message = QemuJson.object().put("execute", command).put("id", id);
            if (arguments != null) {
                message.set("arguments", arguments);
            }
            send(message);
            JsonNode response = await(reply, timeout, "QMP " + command);
            if (response.has("error")) {
                JsonNode error = response.get("error");
                throw new QmpCommandException(
                        command,
                        error.path("class").asText(),
                        error.path("desc").asText());
            }
            LOG.debug("QMP {} (id {}) answered in {} ms", command, id, millisSince(started));
            return response.path("return");
        } catch (RuntimeException e) {
            LOG.debug("QMP {} (id {}) failed after {} ms: {}", command, id, millisSince(started), e.getMessage());
            throw e;
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Listeners get every event ({@code {"event": NAME, "data": {...}, "timestamp": ...}}) on the reader
     * thread, in the order QEMU sent them; they must not block.
     */
    void onEvent(Consumer<JsonNode> listener) {
        eventListeners.add(listener);
    }

    /** Like {@link #onEvent(Consumer)}, for the events named {@code name} only; the listener gets their data. */
    void onEvent(String name, Consumer<JsonNode> listener) {
        onEvent(event -> {
            if (event.path("event").asText().equals(name)) {
                listener.accept(event.path("data"));
            }
        });
    }

    /**
     * The data of the first event named {@code name} whose data matches, from now on. Ask before sending
     * the command that causes it, or the event may come first. Fails at once if the connection is lost.
     */
    EventWait expectEvent(String name, Predicate<JsonNode> match) {
        EventWait wait = new EventWait(name, match, new CompletableFuture<>());
        eventWaits.add(wait);
        if (closedReason != null) {
            wait.future().completeExceptionally(closedError());
        }
        wait.future().whenComplete((data, error) -> eventWaits.remove(wait));
        return wait;
    }

    /** An event expected from QEMU; {@link #await} ends at the deadline or when the connection is lost. */
    record EventWait(String name, Predicate<JsonNode> match, CompletableFuture<JsonNode> future) {
        JsonNode await(Duration timeout) {
            try {
                return QmpClient.await(future, timeout, "QMP event " + name);
            } finally {
                future.cancel(false);
            }
        }
    }

    private static JsonNode await(CompletableFuture<JsonNode> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new VcTimeoutException(what, timeout, null);
        } catch (ExecutionException e) {
            throw asRuntime(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted during " + what, e);
        }
    }

    /**
     * Runs {@code action} once, on a background thread, when QEMU closes the connection or it breaks: QEMU
     * only does that when it ends, so a monitor connection tells of a dead VM without a pending command.
     */
    void onConnectionLost(Consumer<String> action) {
        lost.thenAcceptAsync(action);
    }

    /** Whether the connection has ended: at once, unlike the actions of {@link #onConnectionLost}. */
    boolean isLost() {
        return lost.isDone();
    }

    private synchronized void send(ObjectNode message) {
        try {
            ByteBuffer buf = ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot send to QMP socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private void readLoop() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                dispatch(QemuJson.MAPPER.readTree(line));
            }
            shutDown("QEMU closed the QMP connection");
        } catch (IOException e) {
            shutDown("QMP connection lost: " + e.getMessage());
        }
    }

    private void dispatch(JsonNode message) {
        if (message.has("QMP")) {
            greeting.complete(message);
        } else if (message.has("event")) {
            String name = message.path("event").asText();
            LOG.debug("QMP event {} on {}", name, socket.getFileName());
            eventListeners.forEach(l -> l.accept(message));
            for (EventWait wait : eventWaits) {
                if (wait.name().equals(name) && wait.match().test(message.path("data"))) {
                    wait.future().complete(message.path("data"));
                }
            }
        } else {
            CompletableFuture<JsonNode> reply = pending.get(message.path("id").asText());
            if (reply != null) {
                reply.complete(message);
            }
        }
    }

    private void shutDown(String reason) {
        if (closedReason == null) {
            LOG.debug("{} ({})", reason, socket.getFileName());
            closedReason = reason;
            lost.complete(reason);
        }
        HypervisorException error = closedError();
        greeting.completeExceptionally(error);
        pending.values().forEach(f -> f.completeExceptionally(error));
        eventWaits.forEach(w -> w.future().completeExceptionally(error));
    }

    private HypervisorException closedError() {
        return new HypervisorException(closedReason + " (" + socket + ")");
    }

    @Override
    public void close() {
        if (closedReason == null) {
            closedReason = "QMP connection closed by vc4j";
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the reader thread ends either way
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    private static RuntimeException asRuntime(Throwable t) {
        return t instanceof RuntimeException r ? r : new HypervisorException(String.valueOf(t.getMessage()), t);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted while connecting to QMP", e);
        }
    }
}
