package dev.vc4j.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's side of the handshake on a real unix socket, in the test JVM: it reads each connection's hello,
 * checks its form, and lets a script answer. Failures inside the peer are kept for {@link #assertNoErrors()}.
 */
final class FakeAgentPeer implements AutoCloseable {
    interface Script {
        void serve(SocketChannel peer, String nonce) throws Exception;
    }

    private static final Pattern HELLO = Pattern.compile("VC4J-HELLO ([0-9a-f]{32})\n");

    private final Path socket;
    private final ServerSocketChannel server;
    private final Script script;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> peers = new CopyOnWriteArrayList<>();

    FakeAgentPeer(Path socket, Script script) throws IOException {
        this.socket = socket;
        this.script = script;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::acceptLoop, "fake-agent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void write(SocketChannel peer, byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        ByteBuffer buffer = ByteBuffer.wrap(all.toByteArray());
        while (buffer.hasRemaining()) {
            peer.write(buffer);
        }
    }

    /** Reads until EOF or until {@code n} bytes arrived. */
    static byte[] read(SocketChannel peer, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining() && peer.read(buffer) >= 0) {
            // keep reading
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    int accepted() {
        return accepted.get();
    }

    void assertNoErrors() {
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("the fake agent failed: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel peer;
            try {
                peer = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            peers.add(peer);
            Thread t = new Thread(() -> serve(peer), "fake-agent-peer");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel peer) {
        try (peer) {
            script.serve(peer, readHello(peer));
        } catch (Exception | AssertionError e) {
            if (server.isOpen()) {
                errors.add(e);
            }
        }
    }

    private static String readHello(SocketChannel peer) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (peer.read(one) < 0) {
                throw new IOException("EOF before a hello line: `" + line + "`");
            }
            line.write(one.get(0));
            if (one.get(0) == '\n') {
                break;
            }
        }
        Matcher m = HELLO.matcher(line.toString(StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw new AssertionError("malformed hello `" + line + "`");
        }
        return m.group(1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel peer : peers) {
            peer.close();
        }
        Files.deleteIfExists(socket);
    }
}
