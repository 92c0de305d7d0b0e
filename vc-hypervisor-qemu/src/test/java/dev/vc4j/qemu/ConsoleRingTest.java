package dev.vc4j.qemu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console reader against a unix socket standing in for QEMU's console chardev. */
class ConsoleRingTest {
    @TempDir
    Path dir;

    @Test
    void aFloodKeepsTheFileBoundedAndEndsWithTheLastBytes() throws Exception {
        Path socket = dir.resolve("console.sock");
        Path log = dir.resolve("console.log");
        try (ServerSocketChannel qemu = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            qemu.bind(UnixDomainSocketAddress.of(socket));
            ConsoleRing ring = ConsoleRing.start(socket, log, "test").orElseThrow();
            long written = 0;
            long largest = 0;
            try (SocketChannel guest = qemu.accept()) {
                byte[] line = new byte[1000];
                Arrays.fill(line, (byte) 'y');
                line[line.length - 1] = '\n';
                for (int i = 0; i < 2000; i++) {
                    ByteBuffer buf = ByteBuffer.wrap(line);
                    while (buf.hasRemaining()) {
                        written += guest.write(buf);
                    }
                    if (Files.exists(log)) {
                        largest = Math.max(largest, Files.size(log));
                    }
                }
                guest.write(ByteBuffer.wrap("the last words\n".getBytes(StandardCharsets.US_ASCII)));
            }
            assertTrue(ring.awaitEnd(Duration.ofSeconds(10)), "the reader did not see the end");
            assertTrue(written > 10L * ConsoleRing.MAX_FILE_BYTES, "wrote " + written);
            assertTrue(largest < ConsoleRing.MAX_FILE_BYTES + 8192, "the file grew to " + largest);
            long size = Files.size(log);
            assertTrue(size >= ConsoleRing.KEEP_BYTES && size < ConsoleRing.MAX_FILE_BYTES, "size " + size);
            String text = Files.readString(log, StandardCharsets.US_ASCII);
            assertTrue(text.endsWith("y\nthe last words\n"), text.substring(text.length() - 40));
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "a temporary file is left");
            }
        }
    }

    @Test
    void thePanicLineIsFoundBehindALongTrace() throws Exception {
        Path log = dir.resolve("console.log");
        StringBuilder console = new StringBuilder("[    1.0] sysrq: Trigger a crash\n")
                .append("[    1.1] Kernel panic - not syncing: sysrq triggered crash\n");
        for (int i = 0; i < 200; i++) {
            console.append("[    2.4]  ? do_syscall_64+0x69/0xb0\n");
        }
        Files.writeString(log, console, StandardCharsets.US_ASCII);
        assertEquals(Optional.of("Kernel panic - not syncing: sysrq triggered crash"), ConsoleRing.panicLine(log));
    }

    @Test
    void aConsoleWithoutAPanicHasNoPanicLineAndAGuestCannotSmuggleControlCharacters() throws Exception {
        Path log = dir.resolve("console.log");
        Files.writeString(log, "[    1.0] all is well\n", StandardCharsets.US_ASCII);
        assertEquals(Optional.empty(), ConsoleRing.panicLine(log));
        assertEquals(Optional.empty(), ConsoleRing.panicLine(dir.resolve("absent.log")));
        Files.writeString(log, "Kernel panic - not syncing: \u001b[2J" + "x".repeat(5000), StandardCharsets.US_ASCII);
        String line = ConsoleRing.panicLine(log).orElseThrow();
        assertTrue(line.length() < 300 && !line.contains("\u001b"), line);
    }
}
