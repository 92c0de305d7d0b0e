package dev.vc4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OCI bundle with Debian's static busybox as its rootfs and crun's default spec running {@code args}: the same
 * bundle goes to crun on the host (the no-VM floor) and into a sandbox.
 */
final class BusyboxBundle {
    private static final List<String> APPLETS = List.of("sh", "echo", "true", "sleep", "head", "cat", "kill", "tr");

    private BusyboxBundle() {}

    /** Writes the bundle into {@code dir} (which must not exist) and returns it. */
    static Path create(Path dir, String... args) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
        for (String d : List.of("dev", "proc", "sys", "tmp")) {
            Files.createDirectories(dir.resolve("rootfs").resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Process spec = new ProcessBuilder("crun", "spec", "--bundle", dir.toString())
                .redirectErrorStream(true)
                .start();
        if (!spec.waitFor(30, TimeUnit.SECONDS) || spec.exitValue() != 0) {
            spec.destroyForcibly();
            throw new IOException(
                    "crun spec failed: " + new String(spec.getInputStream().readAllBytes()));
        }
        Path config = dir.resolve("config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(config.toFile());
        ObjectNode process = (ObjectNode) root.get("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        for (String arg : args) {
            argv.add(arg);
        }
        json.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
        return dir;
    }
}
