package dev.vc4j;

import java.nio.charset.StandardCharsets;

/**
 * How a guest command ended. {@code exitCode} is 128 + signal when a signal ended it, as in a shell.
 * Output beyond the agent's bound per stream is dropped and flagged as truncated.
 */
public record ExecResult(
        int exitCode,
        int signal,
        byte[] stdout,
        byte[] stderr,
        boolean timedOut,
        boolean stdoutTruncated,
        boolean stderrTruncated) {

    public ExecResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }
}
