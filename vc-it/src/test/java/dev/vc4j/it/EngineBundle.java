package dev.vc4j.it;

import dev.vc4j.oci.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An OCI bundle laid out as an engine does: a busybox rootfs ({@link HostRootfs}) and the config.json that
 * {@code crun spec} writes, adjusted through the model (no terminal, the given process, and the caller's changes).
 */
final class EngineBundle {
    private EngineBundle() {}

    static Path make(Path dir, UnaryOperator<Spec.Builder> change, String... args)
            throws IOException, InterruptedException {
        HostRootfs.make(Files.createDirectories(dir.resolve("rootfs")));
        java.lang.Process crun = new ProcessBuilder("crun", "spec", "--bundle", dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(crun.getInputStream().readAllBytes());
        assertEquals(true, crun.waitFor(30, TimeUnit.SECONDS), "crun spec did not end");
        assertEquals(0, crun.exitValue(), output);
        Path config = dir.resolve("config.json");
        Spec spec = Spec.parse(Files.readString(config));
        Spec adjusted = change.apply(spec.toBuilder()
                        .process(spec.process().toBuilder()
                                .terminal(false)
                                .args(List.of(args))
                                .build()))
                .build();
        Files.writeString(config, adjusted.toJson());
        return dir;
    }
}
