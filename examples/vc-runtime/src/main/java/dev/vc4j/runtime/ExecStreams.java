package dev.vc4j.runtime;

import dev.vc4j.ContainerProcess;
import dev.vc4j.Signal;
import dev.vc4j.VcTimeoutException;
import dev.vc4j.runtime.ShimProtocol.Frame;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * The stdio of an exec'd process over the shim's connection, in frames ({@link ShimProtocol}): the shim's side
 * ({@link #serve}) and the side of the host process that holds the engine's descriptors ({@link #relay}).
 */
final class ExecStreams {
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private ExecStreams() {}

    /** In the shim: output to frames, frames to stdin, signals and window size; the exit code last. */
    static void serve(ContainerProcess process, DataInputStream in, DataOutputStream out) throws IOException {
        Thread stdout = framer(process.stdout(), out, ShimProtocol.STDOUT);
        Thread stderr = framer(process.stderr(), out, ShimProtocol.STDERR);
        Thread input = new Thread(() -> feed(process, in), "vc-runtime-exec-stdin");
        input.setDaemon(true);
        input.start();
        int code;
        while (true) {
            try {
                code = process.waitFor(WAIT_SLICE);
                break;
            } catch (VcTimeoutException e) {
                // still running
            }
        }
        try {
            stdout.join(DRAIN.toMillis());
            stderr.join(DRAIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ShimProtocol.writeInts(out, ShimProtocol.EXIT, code);
    }

    private static Thread framer(InputStream from, DataOutputStream out, byte type) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[ShimProtocol.MAX_FRAME];
                    try {
                        for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                            ShimProtocol.writeFrame(out, type, buffer, n);
                        }
                    } catch (IOException | RuntimeException e) {
                        RuntimeLog.current().write("debug", "exec output ended: " + e.getMessage());
                    }
                },
                "vc-runtime-exec-out");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void feed(ContainerProcess process, DataInputStream in) {
        try {
            while (true) {
                Frame frame = Frame.read(in);
                switch (frame.type()) {
                    case ShimProtocol.STDIN -> {
                        process.stdin().write(frame.payload());
                        process.stdin().flush();
                    }
                    case ShimProtocol.STDIN_CLOSE -> process.stdin().close();
                    case ShimProtocol.SIGNAL -> process.signal(Signal.of(frame.intAt(0)));
                    case ShimProtocol.RESIZE -> process.resizeTty(frame.intAt(0), frame.intAt(1));
                    default -> throw new IOException("an unknown frame type " + frame.type());
                }
            }
        } catch (EOFException | ClosedChannelException e) {
            // the relay is gone, or the process ended and its connection closed: nothing more to feed
        } catch (IOException | RuntimeException e) {
            RuntimeLog.current().write("warning", "exec input failed: " + Errors.message(e));
        }
    }

    /**
     * In the relay: this process's stdin to the exec, its output to this process's stdout and stderr, or all of it
     * through {@code terminal} (the slave of the pty whose master went to the engine) when there is one, with its
     * window size; signals this process gets go to the exec; returns the exec's exit code.
     */
    static int relay(ShimClient client, PtyTerminal terminal) throws IOException {
        SignalForwarding.install(signal -> send(client, ShimProtocol.SIGNAL, signal.number()));
        InputStream stdin = terminal != null ? terminal.input() : new FileInputStream(FileDescriptor.in);
        OutputStream stdout = terminal != null ? terminal.output() : new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = terminal != null ? stdout : new FileOutputStream(FileDescriptor.err);
        if (terminal != null) {
            PtyConsoleSocket.WindowSize size = terminal.windowSize();
            if (size.rows() > 0 && size.columns() > 0) {
                send(client, ShimProtocol.RESIZE, size.rows(), size.columns());
            }
            terminal.onResize(changed -> send(client, ShimProtocol.RESIZE, changed.rows(), changed.columns()));
        }
        Thread input = new Thread(() -> forwardStdin(stdin, client.out), "vc-runtime-stdin");
        input.setDaemon(true);
        input.start();
        while (true) {
            Frame frame = Frame.read(client.in);
            switch (frame.type()) {
                case ShimProtocol.STDOUT -> stdout.write(frame.payload());
                case ShimProtocol.STDERR -> stderr.write(frame.payload());
                case ShimProtocol.EXIT -> {
                    return frame.intAt(0);
                }
                default -> throw new IOException("an unknown frame type " + frame.type());
            }
        }
    }

    /** A signal or a window size for the exec; from a signal handler or the resize watch, so it only logs. */
    private static void send(ShimClient client, byte type, int... values) {
        try {
            ShimProtocol.writeInts(client.out, type, values);
        } catch (IOException e) {
            RuntimeLog.current()
                    .write("warning", "a frame of type " + type + " did not reach the shim: " + e.getMessage());
        }
    }

    private static void forwardStdin(InputStream from, DataOutputStream out) {
        byte[] buffer = new byte[ShimProtocol.MAX_FRAME];
        try (InputStream stdin = from) {
            for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                ShimProtocol.writeFrame(out, ShimProtocol.STDIN, buffer, n);
            }
            ShimProtocol.writeFrame(out, ShimProtocol.STDIN_CLOSE, buffer, 0);
        } catch (IOException e) {
            RuntimeLog.current().write("debug", "stdin of the exec ended: " + e.getMessage());
        }
    }
}
