package dev.vc4j.agent;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The agent's side of HTTP/2 as a test scripts it, on a {@link FakeAgentPeer} connection: raw frames both ways,
 * so that a test can send what the real agent never would. Its header blocks are HPACK literals.
 */
final class H2TestPeer {
    record Frame(int type, int flags, int stream, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    private final SocketChannel channel;

    private H2TestPeer(SocketChannel channel) {
        this.channel = channel;
    }

    /** The READY line, the client's preface (checked), then this peer's SETTINGS of id/value pairs. */
    static H2TestPeer start(SocketChannel channel, String nonce, int... settings) throws IOException {
        H2TestPeer peer = new H2TestPeer(channel);
        FakeAgentPeer.write(channel, FakeAgentPeer.ascii("VC4J-READY " + nonce + " 9.9.9\n"));
        assertArrayEquals(Http2.PREFACE, peer.readExactly(Http2.PREFACE.length));
        byte[] payload = new byte[settings.length / 2 * 6];
        for (int i = 0; i < settings.length; i += 2) {
            payload[i * 3] = (byte) (settings[i] >>> 8);
            payload[i * 3 + 1] = (byte) settings[i];
            Http2.putInt(payload, i * 3 + 2, settings[i + 1]);
        }
        peer.write(Http2.SETTINGS, 0, 0, payload);
        return peer;
    }

    Frame read() throws IOException {
        byte[] header = readExactly(Http2.FRAME_HEADER_BYTES);
        int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
        return new Frame(
                header[3] & 0xff, header[4] & 0xff, Http2.getInt(header, 5) & Integer.MAX_VALUE, readExactly(length));
    }

    /** The next frame of {@code type}, passing over the client's others (its SETTINGS, window updates, ACKs). */
    Frame next(int type) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    void write(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] frame = new byte[Http2.FRAME_HEADER_BYTES + payload.length];
        Http2.putFrameHeader(frame, 0, payload.length, type, flags, stream);
        System.arraycopy(payload, 0, frame, Http2.FRAME_HEADER_BYTES, payload.length);
        FakeAgentPeer.write(channel, frame);
    }

    void headers(int stream, boolean endStream, HttpHeader... headers) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        HpackEncoder.encode(List.of(headers), block);
        write(
                Http2.HEADERS,
                Http2.FLAG_END_HEADERS | (endStream ? Http2.FLAG_END_STREAM : 0),
                stream,
                block.toByteArray());
    }

    /** A whole successful reply: headers, the message, trailers. */
    void reply(int stream, byte[] message) throws IOException {
        headers(stream, false, new HttpHeader(":status", "200"), new HttpHeader("content-type", "application/grpc"));
        write(Http2.DATA, 0, stream, GrpcReply.framed(message));
        headers(stream, true, new HttpHeader("grpc-status", "0"));
    }

    /** The request of the next stream the client opens: its HEADERS, then its DATA up to END_STREAM. */
    Frame request() throws IOException {
        Frame headers = next(Http2.HEADERS);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Frame data;
        do {
            data = next(Http2.DATA);
            body.writeBytes(data.payload());
        } while (!data.has(Http2.FLAG_END_STREAM));
        return new Frame(Http2.DATA, data.flags(), headers.stream(), body.toByteArray());
    }

    byte[] readExactly(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("EOF after " + buffer.position() + " of " + n + " bytes");
            }
        }
        return Arrays.copyOf(buffer.array(), n);
    }
}
