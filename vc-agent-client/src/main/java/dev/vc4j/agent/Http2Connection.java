package dev.vc4j.agent;

import com.google.rpc.Code;
import dev.vc4j.AgentException;
import dev.vc4j.spi.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection to the agent, carrying unary gRPC calls: it owns its {@link AgentSocket} and one reader
 * thread ({@link Http2FrameReader}), which sends the hello, waits for the agent's READY line and then reads frames
 * until the connection ends. Calls run on their callers' threads: a call writes its HEADERS and DATA (within the
 * agent's flow-control windows) and waits for its reply until its deadline; a call past its deadline resets its
 * stream. Once anything breaks, the connection fails every call on it and takes no more.
 */
final class Http2Connection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    static final String THREAD_PREFIX = "vc4j-agent-";
    /** The window this client grants each stream: more than the largest reply it accepts. */
    static final int STREAM_WINDOW = 4 << 20;
    /** The connection's window, replenished once half of it is used. */
    static final int CONNECTION_WINDOW = 16 << 20;
    /** How long the reader thread may block writing a control frame (an ACK, a window update). */
    private static final Duration CONTROL_WRITE = Duration.ofSeconds(10);

    private static final long RESET_WAIT_MILLIS = 100;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Object endpoint;
    private final AgentSocket socket;
    private final int maxReplyBytes;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Map<Integer, Http2Stream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Http2SendWindows windows;
    private final Thread reader;
    /** Guarded by writeLock. */
    private int nextStreamId = 1;

    private volatile GrpcFailure failure;
    private volatile boolean goingAway;

    private Http2Connection(Object endpoint, AgentSocket socket, int maxReplyBytes, String nonce) {
        this.endpoint = endpoint;
        this.socket = socket;
        this.maxReplyBytes = maxReplyBytes;
        this.windows = new Http2SendWindows(streams, this::checkOpen, endpoint);
        // with the MDC of the call that connects: the reader's lines are about the same sandbox
        this.reader = LogContext.daemonThread(
                THREAD_PREFIX + THREADS.incrementAndGet(), new Http2FrameReader(this, new SocketInput(socket), nonce));
    }

    /**
     * Starts the connection on a connected socket, which it owns from now on: its thread sends the hello and waits
     * for the READY line; {@link #ready()} tells when HTTP/2 runs, or why it does not.
     */
    static Http2Connection start(Object endpoint, AgentSocket socket, int maxReplyBytes) {
        Http2Connection connection = new Http2Connection(endpoint, socket, maxReplyBytes, AgentHandshake.newNonce());
        connection.reader.start();
        return connection;
    }

    /** The agent's version once the handshake succeeded and this client's preface went out. */
    CompletableFuture<String> ready() {
        return ready;
    }

    Object endpoint() {
        return endpoint;
    }

    /** True while new calls may start here. */
    boolean acceptsCalls() {
        return failure == null && !goingAway && ready.isDone() && !ready.isCompletedExceptionally();
    }

    /**
     * One unary call: {@code message} to {@code path}, the reply's message back. A deadline that passes is
     * DEADLINE_EXCEEDED; a connection that ends under the call, UNAVAILABLE.
     */
    byte[] call(String path, byte[] message, long deadline) throws GrpcFailure {
        Http2Stream stream = open(path, deadline);
        try {
            sendData(stream, GrpcReply.framed(message), deadline);
            return stream.reply().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (GrpcFailure) e.getCause();
        } catch (GrpcFailure e) {
            // the request may be half sent: the agent is told to drop it (a no-op on a broken connection)
            reset(stream, Http2.CANCEL);
            throw e;
        } catch (TimeoutException e) {
            reset(stream, Http2.CANCEL);
            throw new GrpcFailure(Code.DEADLINE_EXCEEDED, "no answer from the agent at " + endpoint, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset(stream, Http2.CANCEL);
            throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting for the agent at " + endpoint, e);
        } finally {
            release(stream);
        }
    }

    /** A new stream with its HEADERS sent, once the agent's limit on concurrent streams leaves room for it. */
    private Http2Stream open(String path, long deadline) throws GrpcFailure {
        windows.awaitStreamRoom(deadline);
        ByteArrayOutputStream block = new ByteArrayOutputStream(128);
        HpackEncoder.encode(
                List.of(
                        new HttpHeader(":method", "POST"),
                        new HttpHeader(":scheme", "http"),
                        new HttpHeader(":path", path),
                        // nghttp2 rejects a socket path as :authority
                        new HttpHeader(":authority", "localhost"),
                        new HttpHeader("content-type", "application/grpc"),
                        new HttpHeader("te", "trailers")),
                block);
        byte[] headers = block.toByteArray();
        lockWrites(deadline);
        try {
            checkOpen();
            int id = nextStreamId;
            if (id < 0) {
                goingAway = true;
                throw new GrpcFailure(Code.UNAVAILABLE, "the connection has used all its stream ids", null);
            }
            nextStreamId += 2;
            Http2Stream stream = windows.newStream(id, maxReplyBytes);
            // Stream ids must reach the agent in order: the id is taken and its HEADERS written under one lock.
            writeFrame(Http2.HEADERS, Http2.FLAG_END_HEADERS, id, headers, 0, headers.length, deadline);
            return stream;
        } finally {
            writeLock.unlock();
        }
    }

    private void sendData(Http2Stream stream, byte[] data, long deadline) throws GrpcFailure {
        int sent = 0;
        do {
            int n = windows.take(stream, data.length - sent, deadline);
            if (n == 0) {
                return; // answered or reset early: its reply says how
            }
            boolean last = sent + n == data.length;
            lockWrites(deadline);
            try {
                checkOpen();
                writeFrame(Http2.DATA, last ? Http2.FLAG_END_STREAM : 0, stream.id(), data, sent, n, deadline);
            } finally {
                writeLock.unlock();
            }
            sent += n;
        } while (sent < data.length);
    }

    private void checkOpen() throws GrpcFailure {
        GrpcFailure broken = failure;
        if (broken != null) {
            throw new GrpcFailure(broken.code(), broken.description(), broken);
        }
    }

    /**
     * Writes one frame; the caller holds writeLock. A write that fails or passes its deadline leaves the stream of
     * frames cut in the middle: the connection ends.
     */
    private void writeFrame(int type, int flags, int streamId, byte[] payload, int offset, int length, long deadline)
            throws GrpcFailure {
        byte[] frame = new byte[Http2.FRAME_HEADER_BYTES + length];
        Http2.putFrameHeader(frame, 0, length, type, flags, streamId);
        System.arraycopy(payload, offset, frame, Http2.FRAME_HEADER_BYTES, length);
        writeRaw(frame, deadline);
    }

    /** The hello, from the reader thread before anything else is written; a failure is the handshake's. */
    void writeHello(byte[] hello, long deadline) throws IOException {
        socket.write(hello, 0, hello.length, deadline);
    }

    /** Raw bytes (the preface, a frame); the caller holds writeLock or is the reader before READY. */
    void writeRaw(byte[] bytes, long deadline) throws GrpcFailure {
        try {
            socket.write(bytes, 0, bytes.length, deadline);
        } catch (SocketTimeoutException e) {
            GrpcFailure stalled =
                    new GrpcFailure(Code.DEADLINE_EXCEEDED, "the agent at " + endpoint + " stopped reading", e);
            fail(new GrpcFailure(Code.UNAVAILABLE, "the agent at " + endpoint + " stopped reading", e));
            throw stalled;
        } catch (IOException e) {
            GrpcFailure lost = new GrpcFailure(Code.UNAVAILABLE, "cannot write to the agent at " + endpoint, e);
            fail(lost);
            throw lost;
        }
    }

    /** A control frame (an ACK, a window update, a reset), bounded by {@link #CONTROL_WRITE}. */
    void writeControl(int type, int flags, int streamId, byte[] payload) throws GrpcFailure {
        long deadline = System.nanoTime() + CONTROL_WRITE.toNanos();
        lockWrites(deadline);
        try {
            checkOpen();
            writeFrame(type, flags, streamId, payload, 0, payload.length, deadline);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Takes the write lock by {@code deadline}: a write in progress is bounded by its own caller's deadline, which
     * may be later than this one's.
     */
    private void lockWrites(long deadline) throws GrpcFailure {
        try {
            if (writeLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting to write to the agent at " + endpoint, e);
        }
        throw new GrpcFailure(
                Code.DEADLINE_EXCEEDED, "waited for another call's write to the agent at " + endpoint, null);
    }

    /**
     * Tells the agent this client no longer wants {@code stream}'s reply. Best effort, and not worth a wait for
     * another call's write: a reply that comes anyway is dropped, and a broken connection needs no telling.
     */
    void reset(Http2Stream stream, int errorCode) {
        byte[] payload = new byte[4];
        Http2.putInt(payload, 0, errorCode);
        try {
            if (writeLock.tryLock(RESET_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                try {
                    checkOpen();
                    writeFrame(
                            Http2.RST_STREAM,
                            0,
                            stream.id(),
                            payload,
                            0,
                            payload.length,
                            System.nanoTime() + CONTROL_WRITE.toNanos());
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (GrpcFailure e) {
            LOG.debug("no reset of stream {} on the agent at {}: {}", stream.id(), endpoint, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(Http2Stream stream) {
        streams.remove(stream.id());
        windows.signal();
        if (goingAway && streams.isEmpty()) {
            close();
        }
    }

    Http2SendWindows windows() {
        return windows;
    }

    Http2Stream stream(int id) {
        return streams.get(id);
    }

    // What the reader thread learns from the agent.

    void onReady(String version) {
        ready.complete(version);
    }

    /** The agent goes away: streams it never saw fail as never processed, the others may still finish. */
    void onGoAway(int lastStreamId, int errorCode) {
        goingAway = true;
        for (Http2Stream stream : streams.values()) {
            if (stream.id() > lastStreamId) {
                stream.fail(new GrpcFailure(
                        Code.UNAVAILABLE,
                        "the agent at " + endpoint + " went away (" + Http2.errorName(errorCode) + ")",
                        null));
            }
        }
        if (streams.isEmpty()) {
            close();
        }
    }

    /** Ends the connection for {@code why}: every call on it fails so, and no new call starts here. */
    void fail(GrpcFailure why) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = why;
        }
        ready.completeExceptionally(why.getCause() instanceof AgentException a ? a : why);
        for (Http2Stream stream : streams.values()) {
            stream.fail(why);
        }
        windows.signal();
        socket.close();
    }

    /** Closes the socket and ends the reader thread; calls in flight fail as UNAVAILABLE. Any thread, any time. */
    @Override
    public void close() {
        fail(new GrpcFailure(Code.UNAVAILABLE, "the connection to the agent at " + endpoint + " was closed", null));
    }

    /** Waits up to {@code timeout} for the reader thread to end, after {@link #close()}. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(Math.max(1, timeout.toMillis()));
    }
}
