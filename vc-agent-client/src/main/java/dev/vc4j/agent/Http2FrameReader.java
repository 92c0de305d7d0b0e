package dev.vc4j.agent;

import com.google.rpc.Code;
import dev.vc4j.AgentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The reader thread of one {@link Http2Connection}: the hello and the READY line, this client's preface, then
 * every frame the agent sends, until the connection ends. The agent is not trusted: a frame larger than this
 * client allows, a header block over its bound, a window that overflows or any other breach of HTTP/2 ends the
 * connection with a GOAWAY, and its calls fail saying what the agent did.
 */
final class Http2FrameReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");
    /** Bound on one header block (HEADERS and its CONTINUATIONs) and on its decoded list. */
    static final int MAX_HEADER_BLOCK = 64 * 1024;

    private final Http2Connection connection;
    private final SocketInput in;
    private final String nonce;
    private final HpackDecoder decoder = new HpackDecoder(MAX_HEADER_BLOCK);
    private final byte[] frameHeader = new byte[Http2.FRAME_HEADER_BYTES];
    /** DATA bytes received since this client last opened the connection's window again. */
    private long unacknowledged;

    private String agentVersion;

    Http2FrameReader(Http2Connection connection, SocketInput in, String nonce) {
        this.connection = connection;
        this.in = in;
        this.nonce = nonce;
    }

    /** A breach of HTTP/2 by the agent: a connection error with its code. */
    private static final class Violation extends IOException {
        private final int code;

        Violation(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public void run() {
        Object endpoint = connection.endpoint();
        try {
            sendHello(endpoint);
            agentVersion = AgentHandshake.awaitReady(in, nonce, endpoint);
            connection.writeRaw(preface(), System.nanoTime() + AgentHandshake.ATTEMPT.toNanos());
            readAgentSettings();
            connection.onReady(agentVersion);
            while (true) {
                readFrame();
            }
        } catch (Violation e) {
            goAway(e.code);
            connection.fail(
                    new GrpcFailure(Code.INTERNAL, "the agent at " + endpoint + " broke HTTP/2: " + e.getMessage(), e));
        } catch (AgentException e) {
            connection.fail(new GrpcFailure(Code.UNAVAILABLE, e.getMessage(), e));
        } catch (GrpcFailure e) {
            connection.fail(e);
        } catch (IOException e) {
            connection.fail(
                    new GrpcFailure(Code.UNAVAILABLE, "the connection to the agent at " + endpoint + " ended", e));
        } catch (RuntimeException | Error e) {
            LOG.warn("the reader of the agent at {} failed", endpoint, e);
            connection.fail(new GrpcFailure(Code.INTERNAL, "the reader of the agent at " + endpoint + " failed", e));
        }
    }

    private void sendHello(Object endpoint) {
        try {
            connection.writeHello(AgentHandshake.hello(nonce), System.nanoTime() + AgentHandshake.ATTEMPT.toNanos());
        } catch (IOException e) {
            throw new AgentException("handshake", "cannot send the hello to the agent at " + endpoint, e);
        }
    }

    /** The preface, this client's settings and the connection's window, in one write. */
    private static byte[] preface() {
        int[][] settings = {
            {Http2.SETTINGS_ENABLE_PUSH, 0},
            {Http2.SETTINGS_INITIAL_WINDOW_SIZE, Http2Connection.STREAM_WINDOW},
            {Http2.SETTINGS_MAX_HEADER_LIST_SIZE, MAX_HEADER_BLOCK}
        };
        int settingsLength = settings.length * 6;
        byte[] out = new byte[Http2.PREFACE.length + 2 * Http2.FRAME_HEADER_BYTES + settingsLength + 4];
        System.arraycopy(Http2.PREFACE, 0, out, 0, Http2.PREFACE.length);
        int at = Http2.PREFACE.length;
        Http2.putFrameHeader(out, at, settingsLength, Http2.SETTINGS, 0, 0);
        at += Http2.FRAME_HEADER_BYTES;
        for (int[] setting : settings) {
            out[at] = (byte) (setting[0] >>> 8);
            out[at + 1] = (byte) setting[0];
            Http2.putInt(out, at + 2, setting[1]);
            at += 6;
        }
        Http2.putFrameHeader(out, at, 4, Http2.WINDOW_UPDATE, 0, 0);
        Http2.putInt(out, at + Http2.FRAME_HEADER_BYTES, Http2Connection.CONNECTION_WINDOW - Http2.DEFAULT_WINDOW);
        return out;
    }

    /**
     * The agent's preface, its first SETTINGS: calls start only after it, so that the first of them already keeps
     * to the agent's limits (its windows, its frame size) rather than to HTTP/2's defaults.
     */
    private void readAgentSettings() throws IOException, GrpcFailure {
        in.readFully(frameHeader, 0, frameHeader.length, "the agent's SETTINGS");
        int length = (frameHeader[0] & 0xff) << 16 | (frameHeader[1] & 0xff) << 8 | (frameHeader[2] & 0xff);
        if ((frameHeader[3] & 0xff) != Http2.SETTINGS || (frameHeader[4] & Http2.FLAG_ACK) != 0) {
            throw new Violation(Http2.PROTOCOL_ERROR, "a first frame that is not SETTINGS");
        }
        if (length > Http2.DEFAULT_MAX_FRAME) {
            throw new Violation(Http2.FRAME_SIZE_ERROR, "a SETTINGS frame of " + length + " bytes");
        }
        byte[] payload = new byte[length];
        in.readFully(payload, 0, length, "the agent's SETTINGS");
        onSettings(Http2.getInt(frameHeader, 5) & Integer.MAX_VALUE, 0, payload);
    }

    private void readFrame() throws IOException, GrpcFailure {
        in.readFully(frameHeader, 0, frameHeader.length, "a frame header");
        int length = (frameHeader[0] & 0xff) << 16 | (frameHeader[1] & 0xff) << 8 | (frameHeader[2] & 0xff);
        int type = frameHeader[3] & 0xff;
        int flags = frameHeader[4] & 0xff;
        int streamId = Http2.getInt(frameHeader, 5) & Integer.MAX_VALUE;
        if (length > Http2.DEFAULT_MAX_FRAME) {
            throw new Violation(
                    Http2.FRAME_SIZE_ERROR,
                    "a frame of " + length + " bytes, over the " + Http2.DEFAULT_MAX_FRAME + " this client allows");
        }
        byte[] payload = new byte[length];
        in.readFully(payload, 0, length, "a frame");
        switch (type) {
            case Http2.DATA -> onData(streamId, flags, payload);
            case Http2.HEADERS -> onHeaders(streamId, flags, payload);
            case Http2.RST_STREAM -> onReset(streamId, payload);
            case Http2.SETTINGS -> onSettings(streamId, flags, payload);
            case Http2.PING -> onPing(flags, payload);
            case Http2.GOAWAY -> onGoAway(payload);
            case Http2.WINDOW_UPDATE -> onWindowUpdate(streamId, payload);
            case Http2.PUSH_PROMISE -> throw new Violation(Http2.PROTOCOL_ERROR, "a PUSH_PROMISE, with push disabled");
            case Http2.CONTINUATION -> throw new Violation(Http2.PROTOCOL_ERROR, "a CONTINUATION after no HEADERS");
            default -> {
                // PRIORITY and frame types this client does not know carry nothing it needs
            }
        }
    }

    private void onData(int streamId, int flags, byte[] payload) throws IOException, GrpcFailure {
        int start = (flags & Http2.FLAG_PADDED) != 0 ? 1 : 0;
        int end = payload.length - padding(flags, payload);
        unacknowledged += payload.length;
        if (unacknowledged > Http2Connection.CONNECTION_WINDOW) {
            throw new Violation(Http2.FLOW_CONTROL_ERROR, "DATA beyond the connection's window");
        }
        if (unacknowledged >= Http2Connection.CONNECTION_WINDOW / 2) {
            writeInt(Http2.WINDOW_UPDATE, 0, (int) unacknowledged);
            unacknowledged = 0;
        }
        Http2Stream stream = connection.stream(streamId);
        // no stream: one whose caller gave up and reset it, and whose last frames were under way
        if (stream != null && !stream.onData(payload, start, end - start, (flags & Http2.FLAG_END_STREAM) != 0)) {
            connection.reset(stream, Http2.CANCEL);
        }
    }

    /** The pad length of a PADDED frame, checked against its payload. */
    private static int padding(int flags, byte[] payload) throws Violation {
        if ((flags & Http2.FLAG_PADDED) == 0) {
            return 0;
        }
        int padding = payload.length == 0 ? -1 : payload[0] & 0xff;
        if (padding < 0 || padding >= payload.length) {
            throw new Violation(Http2.PROTOCOL_ERROR, "padding longer than its frame");
        }
        return padding;
    }

    private void onHeaders(int streamId, int flags, byte[] payload) throws IOException {
        int start = ((flags & Http2.FLAG_PADDED) != 0 ? 1 : 0) + ((flags & Http2.FLAG_PRIORITY) != 0 ? 5 : 0);
        int end = payload.length - padding(flags, payload);
        if (start > end) {
            throw new Violation(Http2.PROTOCOL_ERROR, "a HEADERS frame too short for its flags");
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream(end - start);
        block.write(payload, start, end - start);
        boolean endHeaders = (flags & Http2.FLAG_END_HEADERS) != 0;
        while (!endHeaders) {
            endHeaders = readContinuation(streamId, block);
        }
        byte[] bytes = block.toByteArray();
        List<HttpHeader> headers;
        try {
            // decoded whatever the stream: the decoder's table must follow every block the agent encoded
            headers = decoder.decode(bytes, 0, bytes.length);
        } catch (HpackException e) {
            throw new Violation(Http2.COMPRESSION_ERROR, e.getMessage());
        }
        Http2Stream stream = connection.stream(streamId);
        if (stream != null) {
            stream.onHeaders(headers, (flags & Http2.FLAG_END_STREAM) != 0);
        }
    }

    /** Appends the next frame, which must be this stream's CONTINUATION, to {@code block}; true at END_HEADERS. */
    private boolean readContinuation(int streamId, ByteArrayOutputStream block) throws IOException {
        in.readFully(frameHeader, 0, frameHeader.length, "a frame header");
        int length = (frameHeader[0] & 0xff) << 16 | (frameHeader[1] & 0xff) << 8 | (frameHeader[2] & 0xff);
        int id = Http2.getInt(frameHeader, 5) & Integer.MAX_VALUE;
        if ((frameHeader[3] & 0xff) != Http2.CONTINUATION || id != streamId) {
            throw new Violation(Http2.PROTOCOL_ERROR, "a header block of stream " + streamId + " interrupted");
        }
        if (length > Http2.DEFAULT_MAX_FRAME || block.size() + length > MAX_HEADER_BLOCK) {
            throw new Violation(
                    Http2.PROTOCOL_ERROR, "a header block over the " + MAX_HEADER_BLOCK + " bytes this client allows");
        }
        byte[] fragment = new byte[length];
        in.readFully(fragment, 0, length, "a CONTINUATION frame");
        block.write(fragment, 0, length);
        return (frameHeader[4] & Http2.FLAG_END_HEADERS) != 0;
    }

    private void onReset(int streamId, byte[] payload) throws Violation {
        requireLength("RST_STREAM", payload, 4);
        int code = Http2.getInt(payload, 0);
        Http2Stream stream = connection.stream(streamId);
        if (stream != null) {
            Code status = switch (code) {
                case Http2.REFUSED_STREAM -> Code.UNAVAILABLE; // not processed: safe to try again
                case Http2.CANCEL -> Code.CANCELLED;
                default -> Code.INTERNAL;
            };
            stream.fail(new GrpcFailure(
                    status,
                    "the agent at " + connection.endpoint() + " reset the call (" + Http2.errorName(code) + ")",
                    null));
        }
    }

    private void onSettings(int streamId, int flags, byte[] payload) throws Violation, GrpcFailure {
        if (streamId != 0 || payload.length % 6 != 0 || ((flags & Http2.FLAG_ACK) != 0 && payload.length > 0)) {
            throw new Violation(Http2.PROTOCOL_ERROR, "a malformed SETTINGS frame");
        }
        if ((flags & Http2.FLAG_ACK) != 0) {
            return;
        }
        Long maxStreams = null;
        Long initialWindow = null;
        Integer maxFrame = null;
        for (int at = 0; at < payload.length; at += 6) {
            int id = (payload[at] & 0xff) << 8 | (payload[at + 1] & 0xff);
            long value = Integer.toUnsignedLong(Http2.getInt(payload, at + 2));
            switch (id) {
                case Http2.SETTINGS_MAX_CONCURRENT_STREAMS -> maxStreams = value;
                case Http2.SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value > Http2.MAX_WINDOW) {
                        throw new Violation(Http2.FLOW_CONTROL_ERROR, "an initial window of " + value);
                    }
                    initialWindow = value;
                }
                case Http2.SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < Http2.DEFAULT_MAX_FRAME || value > Http2.MAX_FRAME_LIMIT) {
                        throw new Violation(Http2.PROTOCOL_ERROR, "a maximum frame size of " + value);
                    }
                    maxFrame = (int) value;
                }
                default -> {
                    // the agent's header table size, push and list size do not bind a client that never indexes
                }
            }
        }
        connection.windows().onSettings(maxStreams, initialWindow, maxFrame);
        connection.writeControl(Http2.SETTINGS, Http2.FLAG_ACK, 0, new byte[0]);
    }

    private void onPing(int flags, byte[] payload) throws Violation, GrpcFailure {
        requireLength("PING", payload, 8);
        if ((flags & Http2.FLAG_ACK) == 0) {
            connection.writeControl(Http2.PING, Http2.FLAG_ACK, 0, payload);
        }
    }

    private void onGoAway(byte[] payload) throws Violation {
        if (payload.length < 8) {
            throw new Violation(Http2.FRAME_SIZE_ERROR, "a GOAWAY of " + payload.length + " bytes");
        }
        connection.onGoAway(Http2.getInt(payload, 0) & Integer.MAX_VALUE, Http2.getInt(payload, 4));
    }

    private void onWindowUpdate(int streamId, byte[] payload) throws Violation {
        requireLength("WINDOW_UPDATE", payload, 4);
        int increment = Http2.getInt(payload, 0) & Integer.MAX_VALUE;
        if (increment == 0) {
            throw new Violation(Http2.PROTOCOL_ERROR, "a window update of 0");
        }
        Http2Stream stream = streamId == 0 ? null : connection.stream(streamId);
        if (streamId != 0 && stream == null) {
            return; // a stream that has ended here
        }
        if (!connection.windows().onWindowUpdate(stream, increment)) {
            throw new Violation(Http2.FLOW_CONTROL_ERROR, "a window beyond 2^31-1 bytes");
        }
    }

    private static void requireLength(String frame, byte[] payload, int length) throws Violation {
        if (payload.length != length) {
            throw new Violation(Http2.FRAME_SIZE_ERROR, "a " + frame + " of " + payload.length + " bytes");
        }
    }

    private void writeInt(int type, int streamId, int value) throws GrpcFailure {
        byte[] payload = new byte[4];
        Http2.putInt(payload, 0, value);
        connection.writeControl(type, 0, streamId, payload);
    }

    /** Best effort: the connection ends anyway. */
    private void goAway(int code) {
        byte[] payload = new byte[8];
        Http2.putInt(payload, 4, code);
        try {
            connection.writeControl(Http2.GOAWAY, 0, 0, payload);
        } catch (GrpcFailure e) {
            LOG.debug("no GOAWAY to the agent at {}: {}", connection.endpoint(), e.getMessage());
        }
    }
}
