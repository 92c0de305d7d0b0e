package dev.vc4j.network;

import dev.vc4j.NetworkException;
import dev.vc4j.spi.HostCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs iproute2 ({@code ip}, {@code tc}) inside a network namespace through {@code nsenter --net=PATH}, or on the
 * host, with {@link HostCommand}: a failure is a {@link NetworkException} naming the command.
 */
final class Nsenter {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Path namespace;

    Nsenter(Path namespace) {
        this.namespace = namespace;
    }

    /** Runs {@code argv} in the namespace and returns its standard output. */
    String run(String... argv) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + namespace, "--"));
        command.addAll(List.of(argv));
        return HostCommand.run(command, DEADLINE, NetworkException::new);
    }

    /** Runs {@code argv} in the JVM's own namespace, such as {@code ip netns add}; as {@link #run}. */
    static String onHost(String... argv) {
        return HostCommand.run(List.of(argv), DEADLINE, NetworkException::new);
    }
}
