package dev.vc4j.bench;

import dev.vc4j.HypervisorConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.SandboxState;
import dev.vc4j.StoreRoots;
import dev.vc4j.VirtContainers;
import dev.vc4j.spi.SandboxLock;
import dev.vc4j.spi.SandboxRecord;
import dev.vc4j.spi.SandboxStore;
import dev.vc4j.spi.SandboxStoreFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The default store (vc-storage) without a VM: a status query (lock, read, parse) through the store and through
 * Sandbox.status(), and the create + delete of a sandbox's stored state (directories, lock, config and
 * state written durably, then removed), each against a plain JDK read of the same state file measured in
 * the same run, interleaved in batches. The create + delete has no ratio: writes and fsyncs are not a read.
 */
final class StoreFigures {
    private static final int BATCHES = 10;
    private static final int CALLS = 500;
    /** Each create and delete syncs files and directories: fewer, or a busy disk holds the run up for minutes. */
    private static final int CREATE_CALLS = 20;

    private StoreFigures() {}

    static List<Figure> measure() throws IOException {
        Path dir = Files.createTempDirectory("vc4j-store-bench");
        try {
            StoreRoots roots = new StoreRoots(dir.resolve("run"), dir.resolve("config"));
            SandboxStore store = ServiceLoader.load(SandboxStoreFactory.class)
                    .findFirst()
                    .orElseThrow()
                    .open(roots);
            SandboxConfig config = config("bench");
            createStored(store, config);
            Path state = store.runDir("bench").resolve("state.json");
            Sandbox sandbox = VirtContainers.builder().store(store).build().fetchSandbox("bench");

            double[] plainRead = new double[BATCHES];
            double[] storeStatus = new double[BATCHES];
            double[] apiStatus = new double[BATCHES];
            double[] createDelete = new double[BATCHES];
            for (int b = 0; b < BATCHES; b++) {
                plainRead[b] = microsPerCall(CALLS, () -> readAll(state));
                storeStatus[b] = microsPerCall(CALLS, () -> {
                    try (SandboxLock lock = store.lock("bench", false)) {
                        store.readState("bench").orElseThrow();
                    }
                });
                apiStatus[b] = microsPerCall(CALLS, sandbox::status);
                int batch = b;
                createDelete[b] = microsPerCall(CREATE_CALLS, () -> {
                    SandboxConfig c = config("cd-" + batch);
                    createStored(store, c);
                    store.delete(c.id());
                });
            }
            Figure base = Figure.of("P0", "plain JDK read of a sandbox's state.json", "us", Stats.of(plainRead));
            return List.of(
                    base,
                    Figure.of("P1", "store: shared lock + read + parse of the state", "us", Stats.of(storeStatus))
                            .against(base),
                    Figure.of("P2", "Sandbox.status() with no VM recorded", "us", Stats.of(apiStatus))
                            .against(base),
                    Figure.of("P3", "store: create + delete of a sandbox's state", "us", Stats.of(createDelete)));
        } finally {
            deleteTree(dir);
        }
    }

    private static SandboxConfig config(String id) {
        return SandboxConfig.builder()
                .id(id)
                .annotation("owner", "bench")
                .hypervisor(HypervisorConfig.builder()
                        .kernel(Path.of("/k/vmlinux"))
                        .initrd(Path.of("/k/initrd.img"))
                        .build())
                .build();
    }

    /** What createSandbox persists, without booting anything. */
    private static void createStored(SandboxStore store, SandboxConfig config) {
        try (SandboxLock lock = store.lockNew(config.id())) {
            store.createConfig(config);
            store.writeState(
                    new SandboxRecord(config.id(), SandboxState.STOPPED, Instant.now(), null, config.annotations()));
        }
    }

    private static double microsPerCall(int calls, Runnable call) {
        call.run(); // the first call of a batch warms what the batch before it evicted
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / 1e3 / calls;
    }

    private static void readAll(Path file) {
        try {
            Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
