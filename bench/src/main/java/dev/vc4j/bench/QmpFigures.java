package dev.vc4j.bench;

import dev.vc4j.AgentConfig;
import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.StoreRoots;
import dev.vc4j.spi.Agent;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmSpec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.ServiceLoader;

/**
 * The QEMU driver's control path on one booted VM: a QMP round trip (query-status through Vm.runState()) against
 * a raw JDK unix-socket round trip of the same size measured in the same run, and one drive's hotplug + unplug
 * (no ratio: a hotplug is not a socket round trip).
 */
final class QmpFigures {
    private static final int ROUND_TRIPS = 2000;
    private static final String COMMAND = "{\"execute\":\"query-status\",\"id\":\"12345\"}\n";

    private QmpFigures() {}

    static List<Figure> measure(int hotplugs) throws IOException {
        Path work = TempDirs.create("vc4j-qmp-bench");
        try {
            Stats raw = Stats.of(rawRoundTrips(work.resolve("echo.sock")));
            Hypervisor hypervisor =
                    ServiceLoader.load(Hypervisor.class).findFirst().orElseThrow();
            HypervisorConfig config = HypervisorConfig.defaults();
            Path runDir = Files.createDirectories(work.resolve("vm"));
            Vm vm = hypervisor.start(new VmSpec(
                    "bench-qmp",
                    "bench",
                    config,
                    List.of(),
                    runDir,
                    StoreRoots.defaults().hostCache(),
                    List.of(),
                    List.of()));
            try {
                Stats qmp = Stats.of(micros(vm::runState, ROUND_TRIPS));
                Path image = work.resolve("drive.img");
                try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                    f.setLength(16 << 20);
                }
                // the guest's PCIe hotplug driver is up once its agent answers
                ServiceLoader.load(Agent.class)
                        .findFirst()
                        .orElseThrow()
                        .connect(vm.agentChannel(), AgentConfig.defaults(), Duration.ofSeconds(60), () -> {})
                        .close();
                double[] hotplugMillis = Arrays.stream(
                                micros(() -> vm.unplugDrive(vm.hotplugDrive(Drive.raw(image))), hotplugs))
                        .map(us -> us / 1000)
                        .toArray();
                Figure rawFigure = Figure.of("Q0", "raw JDK unix socket round trip", "us", raw);
                return List.of(
                        rawFigure,
                        Figure.of("Q1", "QMP query-status round trip", "us", qmp)
                                .against(rawFigure),
                        // mostly the guest: Linux's pciehp waits 5 s after the attention button before it lets go
                        Figure.of("Q2", "drive hotplug + unplug", "ms", Stats.of(hotplugMillis)));
            } finally {
                vm.stop(Duration.ZERO);
            }
        } finally {
            TempDirs.remove(work);
        }
    }

    /** One message out and its echo back over a JDK unix socket, as the baseline for what QMP adds. */
    private static double[] rawRoundTrips(Path socket) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread echo = new Thread(
                    () -> {
                        try (SocketChannel peer = server.accept()) {
                            ByteBuffer buf = ByteBuffer.allocate(4096);
                            while (peer.read(buf) > 0) {
                                buf.flip();
                                while (buf.hasRemaining()) {
                                    peer.write(buf);
                                }
                                buf.clear();
                            }
                        } catch (IOException e) {
                            // the client closed: the run is over
                        }
                    },
                    "echo");
            echo.setDaemon(true);
            echo.start();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                byte[] message = COMMAND.getBytes(StandardCharsets.UTF_8);
                ByteBuffer in = ByteBuffer.allocate(message.length);
                return micros(
                        () -> {
                            try {
                                client.write(ByteBuffer.wrap(message));
                                in.clear();
                                while (in.hasRemaining()) {
                                    client.read(in);
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        ROUND_TRIPS);
            }
        }
    }

    private static double[] micros(Runnable call, int times) {
        double[] sample = new double[times];
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            call.run();
            sample[i] = (System.nanoTime() - start) / 1e3;
        }
        return sample;
    }
}
