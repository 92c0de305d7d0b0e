package dev.vc4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An OCI bundle laid out as an engine lays it out: {@code rootfs/} with Debian's busybox-static (the binary and
 * a link per applet, and the directories crun mounts on) and the {@code config.json} that {@code crun spec}
 * writes, with the demo's command in it.
 */
final class DemoBundle {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoBundle() {}

    /** Makes the bundle in the empty directory {@code bundle}, whose container runs {@code args}. */
    static Path make(Path bundle, List<String> args) throws IOException, InterruptedException {
        Path rootfs = bundle.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        for (String dir : List.of("dev", "proc", "sys", "tmp")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : run(bundle, BUSYBOX.toString(), "--list").lines().toList()) {
            if (!applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        run(bundle, "crun", "spec");
        Path config = bundle.resolve("config.json");
        ObjectNode spec = (ObjectNode) JSON.readTree(config.toFile());
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false); // the demo reads the output as a stream, not through a terminal
        process.set("args", JSON.valueToTree(args));
        JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), spec);
        return bundle;
    }

    /** Removes the bundle and everything in it. */
    static void remove(Path bundle) throws IOException {
        try (Stream<Path> walk = Files.walk(bundle)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs a host tool in {@code dir} and returns its output; it must succeed within {@link #TOOL_TIMEOUT}. */
    private static String run(Path dir, String... argv) throws IOException, InterruptedException {
        Path output = Files.createTempFile("vc4j-demo-tool", ".out");
        try {
            Process tool = new ProcessBuilder(argv)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!tool.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                tool.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not end within " + TOOL_TIMEOUT);
            }
            String text = Files.readString(output);
            if (tool.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", argv) + " exited with " + tool.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.delete(output);
        }
    }
}
