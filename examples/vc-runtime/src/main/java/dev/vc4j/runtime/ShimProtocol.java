package dev.vc4j.runtime;

import dev.vc4j.ContainerResources;
import dev.vc4j.ContainerStats;
import dev.vc4j.GuestProcess;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * What the short-lived commands and a container's shim say to each other on the shim's unix socket: one JSON
 * line of {@link Request}, one JSON line of {@link Reply}; after the reply to an {@code exec}, frames carry the
 * process's stdio, signals, window sizes and finally its exit code ({@link #writeFrame}).
 */
final class ShimProtocol {
    static final String SOCKET = "shim.sock";

    static final byte STDIN = 0;
    static final byte STDIN_CLOSE = 1;
    static final byte SIGNAL = 2;
    static final byte RESIZE = 3;
    static final byte STDOUT = 10;
    static final byte STDERR = 11;
    static final byte EXIT = 12;

    private static final int MAX_LINE = 1 << 20;
    static final int MAX_FRAME = 1 << 16;

    private ShimProtocol() {}

    /**
     * {@code op}: start, kill, pause, resume, ps, stats, update, exec, delete, and join (a container of the pod, from
     * {@code bundle}, into the shim's VM). {@code container}: the container it is about, one of the shim's VM.
     */
    record Request(
            String op,
            Integer signal,
            boolean all,
            boolean force,
            String process,
            ContainerResources resources,
            String container,
            String bundle) {
        static Request of(String op) {
            return new Request(op, null, false, false, null, null, null, null);
        }

        Request to(String containerId) {
            return new Request(op, signal, all, force, process, resources, containerId, bundle);
        }
    }

    /** {@code error} set: the request failed with runc's message. */
    record Reply(String error, List<GuestProcess> processes, ContainerStats stats) {
        static Reply ok() {
            return new Reply(null, null, null);
        }

        static Reply failed(String error) {
            return new Reply(error, null, null);
        }
    }

    static void writeLine(OutputStream out, Object message) throws IOException {
        out.write(RuntimeJson.bytes(message));
        out.write('\n');
        out.flush();
    }

    /** Reads one line of at most 1 MiB as {@code type}; the peer is not trusted to end it. */
    static <T> T readLine(InputStream in, Class<T> type) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the peer closed the connection");
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a message longer than 1 MiB");
            }
            line.write(b);
        }
        return RuntimeJson.read(line.toByteArray(), type);
    }

    /** One frame: its type, the payload's length, the payload (at most 64 KiB). */
    static void writeFrame(DataOutputStream out, byte type, byte[] payload, int length) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(length);
            out.write(payload, 0, length);
            out.flush();
        }
    }

    static void writeInts(DataOutputStream out, byte type, int... values) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(values.length * 4);
            for (int v : values) {
                out.writeInt(v);
            }
            out.flush();
        }
    }

    /** A frame read: its type and payload. */
    record Frame(byte type, byte[] payload) {
        static Frame read(DataInputStream in) throws IOException {
            byte type = in.readByte();
            int length = in.readInt();
            if (length < 0 || length > MAX_FRAME) {
                throw new IOException("a frame of " + length + " bytes, at most " + MAX_FRAME + " are allowed");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Frame(type, payload);
        }

        int intAt(int index) {
            if (payload.length < (index + 1) * 4) {
                throw new IllegalArgumentException("a frame of type " + type + " too short for its numbers");
            }
            int at = index * 4;
            return (payload[at] & 0xff) << 24
                    | (payload[at + 1] & 0xff) << 16
                    | (payload[at + 2] & 0xff) << 8
                    | payload[at + 3] & 0xff;
        }
    }
}
