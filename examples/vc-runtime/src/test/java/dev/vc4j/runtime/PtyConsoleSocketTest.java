package dev.vc4j.runtime;

import com.sun.jna.NativeLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PtyConsoleSocketTest {
    @TempDir
    Path dir;

    @Test
    void theEngineGetsTheMasterAndTheRuntimeKeepsTheSlave() throws IOException {
        Path socket = dir.resolve("console.sock");
        try (FdReceiver engine = new FdReceiver(socket);
                PtyTerminal slave = new PtyConsoleSocket().sendMaster(socket)) {
            FdReceiver.Received received = engine.receive();
            int master = received.fd();
            try {
                assertTrue(slave.path().startsWith("/dev/pts/"), slave.path());
                assertEquals(slave.path(), received.message(), "runc sends the pty's name with the descriptor");

                writeAll(master, "typed\n");
                assertEquals("typed\n", readSome(slave.input(), 6));

                slave.output().write("printed\n".getBytes(StandardCharsets.UTF_8));
                // a raw relay: no echo of what was typed, no CR added; the guest's pty does both, once
                assertEquals("printed\n", readMaster(master, 8));
            } finally {
                PtyCalls.close(master);
            }
            assertEquals(-1, slave.input().read(), "the engine closing its side ends the container's input");
        }
    }

    @Test
    void theEnginesResizeOfTheMasterReachesTheResizeListener() throws Exception {
        Path socket = dir.resolve("console.sock");
        try (FdReceiver engine = new FdReceiver(socket);
                PtyTerminal slave = new PtyConsoleSocket().sendMaster(socket)) {
            int master = engine.receive().fd();
            try {
                slave.setWindowSize(new PtyConsoleSocket.WindowSize(24, 80));
                BlockingQueue<PtyConsoleSocket.WindowSize> sizes = new LinkedBlockingQueue<>();
                slave.onResize(sizes::add);
                PtyConsoleSocket.setWindowSize(master, new PtyConsoleSocket.WindowSize(41, 132));
                assertEquals(new PtyConsoleSocket.WindowSize(41, 132), slave.windowSize());
                assertEquals(new PtyConsoleSocket.WindowSize(41, 132), sizes.poll(10, TimeUnit.SECONDS));
                assertEquals(null, sizes.poll(3 * PtyTerminal.RESIZE_POLL_MILLIS, TimeUnit.MILLISECONDS));
            } finally {
                PtyCalls.close(master);
            }
        }
    }

    @Test
    void aSocketNobodyListensOnIsAnErrorNamingItAndLeavesNoPtyOpen() throws IOException {
        Path socket = dir.resolve("absent.sock");
        List<String> before = ptysOpen();
        IOException e = assertThrows(IOException.class, () -> new PtyConsoleSocket().sendMaster(socket));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        assertEquals(before, ptysOpen());
    }

    @Test
    void aSocketPathLongerThanSunPathIsRefusedNamingIt() {
        Path socket = dir.resolve("s".repeat(120));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new PtyConsoleSocket().sendMaster(socket));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
    }

    @Test
    void aWindowSizeOutsideAnUnsignedShortIsRefusedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new PtyConsoleSocket.WindowSize(24, 70000));
        assertTrue(e.getMessage().contains("columns 70000"), e.getMessage());
    }

    private static void writeAll(int fd, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(
                bytes.length,
                PtyCalls.write(fd, bytes, new NativeLong(bytes.length)).intValue());
    }

    private static String readSome(InputStream in, int wanted) throws IOException {
        byte[] buffer = new byte[wanted];
        int total = 0;
        while (total < wanted) {
            int got = in.read(buffer, total, wanted - total);
            if (got < 0) {
                break;
            }
            total += got;
        }
        return new String(buffer, 0, total, StandardCharsets.UTF_8);
    }

    private static String readMaster(int master, int wanted) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[wanted];
        while (text.length() < wanted) {
            int got = PtyCalls.read(master, buffer, new NativeLong(wanted - text.length()))
                    .intValue();
            text.append(new String(buffer, 0, got, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** The pty devices this process holds open. */
    private static List<String> ptysOpen() throws IOException {
        List<String> ptys = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("/dev/pts/") || target.equals("/dev/ptmx")) {
                        ptys.add(target);
                    }
                } catch (IOException gone) {
                    // the descriptor of the listing itself, closed by now
                }
            }
        }
        return ptys;
    }
}
