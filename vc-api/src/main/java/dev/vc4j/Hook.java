package dev.vc4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A program the library runs on the host at a point of a sandbox's life, as an OCI runtime runs its hooks:
 * {@code path} absolute, {@code args} its argv (args[0] conventionally the program's name; the JDK always
 * passes {@code path} as argv[0]), {@code env} its whole environment as {@code NAME=value} entries, and
 * {@code timeout} after which it is killed (null: {@link #DEFAULT_TIMEOUT}). It gets the sandbox's OCI state
 * as JSON on its stdin.
 */
public record Hook(Path path, List<String> args, List<String> env, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public Hook {
        args = List.copyOf(args == null ? List.of() : args);
        env = List.copyOf(env == null ? List.of() : env);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** A hook with no arguments beyond its path, the empty environment and the default timeout. */
    public static Hook of(Path path) {
        return new Hook(path, List.of(path.toString()), List.of(), DEFAULT_TIMEOUT);
    }

    void validate(String field) {
        if (path == null || !path.isAbsolute()) {
            throw new InvalidConfigException(field + ".path", path, "must be an absolute path");
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new InvalidConfigException(field + ".path", path, "no such executable file");
        }
        for (String entry : env) {
            if (entry == null || entry.indexOf('=') < 1) {
                throw new InvalidConfigException(field + ".env", entry, "an entry must be NAME=value");
            }
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidConfigException(field + ".timeout", timeout, "must be positive");
        }
    }
}
