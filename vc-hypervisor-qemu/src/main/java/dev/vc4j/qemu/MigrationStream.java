package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.HypervisorException;
import dev.vc4j.StorageException;
import dev.vc4j.VcTimeoutException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A VM's device state between QEMU's migration channel and a file, over a unix socket: QEMU 7.2 has no file
 * URI, and an {@code exec:} URI needs a shell and a spawn that the QEMU sandbox may forbid.
 */
final class MigrationStream {
    private static final long POLL_MILLIS = 2;

    private MigrationStream() {}

    /** Turns on x-ignore-shared: RAM in a shared memory file stays there instead of going into the stream. */
    static void ignoreShared(QmpClient qmp, Duration timeout) {
        ObjectNode cap = QemuJson.object().put("capability", "x-ignore-shared").put("state", true);
        ObjectNode args = QemuJson.object();
        args.putArray("capabilities").add(cap);
        qmp.execute("migrate-set-capabilities", args, timeout);
    }

    /**
     * Saves the (stopped) VM's device state into {@code file}: written to a temp file, synced, then renamed, so
     * the file is complete or absent. Disk full is a StorageException naming the file.
     */
    static void save(QmpClient qmp, Path socket, Path file, Duration timeout) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Files.deleteIfExists(socket);
            server.bind(UnixDomainSocketAddress.of(socket));
            TemplateStore.createPrivate(tmp);
            CompletableFuture<Void> copied = CompletableFuture.runAsync(() -> receive(server, tmp));
            qmp.execute("migrate", QemuJson.object().put("uri", "unix:" + socket), timeout);
            awaitMigration(qmp, timeout, () -> {});
            await(copied, timeout);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot save the template's device state", file, e);
        } finally {
            TemplateStore.deleteQuietly(tmp);
            TemplateStore.deleteQuietly(socket);
        }
    }

    private static void receive(ServerSocketChannel server, Path tmp) {
        try (SocketChannel in = server.accept();
                FileChannel out = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            while (in.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                buf.clear();
            }
            out.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot save the template's device state", tmp, e);
        }
    }

    /** Has the VM, started with {@code -incoming defer}, load its device state from {@code file}. */
    static void restore(QmpClient qmp, Path socket, Path file, Duration timeout, Runnable alive) {
        qmp.execute("migrate-incoming", QemuJson.object().put("uri", "unix:" + socket), timeout);
        try (SocketChannel out = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            for (long sent = 0; sent < size; ) {
                sent += in.transferTo(sent, size - sent, out);
            }
            out.shutdownOutput();
            awaitMigration(qmp, timeout, alive);
        } catch (IOException e) {
            throw new HypervisorException("cannot send the template's device state: " + e.getMessage(), e);
        } finally {
            TemplateStore.deleteQuietly(socket);
        }
    }

    /** Polls query-migrate until it completes; a failed migration or a QEMU that exits is an error. */
    private static void awaitMigration(QmpClient qmp, Duration timeout, Runnable alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            alive.run();
            JsonNode info = qmp.execute("query-migrate", null, timeout);
            String status = info.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new HypervisorException(
                        "migration " + status + ": " + info.path("error-desc").asText("no reason given"));
            }
            if (System.nanoTime() > deadline) {
                throw new VcTimeoutException("the migration (" + status + ")", timeout, null);
            }
            TemplateAgentWait.sleep(POLL_MILLIS, "waiting for a migration");
        }
    }

    private static void await(CompletableFuture<Void> copied, Duration timeout) {
        try {
            copied.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new HypervisorException(e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new VcTimeoutException("the template's device state to be written", timeout, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted while saving a template", e);
        }
    }
}
