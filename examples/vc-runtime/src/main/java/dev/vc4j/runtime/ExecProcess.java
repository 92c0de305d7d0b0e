package dev.vc4j.runtime;

import dev.vc4j.Cmd;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.oci.OciProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The process of {@code exec}: from an OCI process file ({@code --process}) into what the guest runs. */
final class ExecProcess {
    private static final long MAX_BYTES = 1 << 20;

    private ExecProcess() {}

    /** Reads and checks {@code file}; an error names the file and, for bad JSON, the line and column. */
    static OciProcess read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new RuntimeFailure("process file " + file + " is larger than 1 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuntimeFailure("process file " + file + " does not exist");
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read process file " + file + ": " + e.getMessage(), e);
        }
        try {
            OciProcess process = OciProcess.parse(text);
            toCmd(process);
            return process;
        } catch (InvalidConfigException e) {
            throw new RuntimeFailure("process file " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the guest runs; the process's user is by number, as the runtime spec has it. */
    static Cmd toCmd(OciProcess process) {
        if (process.args() == null || process.args().isEmpty()) {
            throw new InvalidConfigException("process.args", process.args(), "needs at least the program to run");
        }
        Cmd.Builder cmd = Cmd.builder()
                .args(process.args().toArray(String[]::new))
                .tty(Boolean.TRUE.equals(process.terminal()))
                .noNewPrivileges(Boolean.TRUE.equals(process.noNewPrivileges()));
        if (process.env() != null) {
            for (String entry : process.env()) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidConfigException("process.env", entry, "must be NAME=VALUE");
                }
                cmd.env(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        if (process.cwd() != null && !process.cwd().isEmpty()) {
            cmd.workdir(Path.of(process.cwd()));
        }
        if (process.user() != null) {
            if (process.user().uid() != null) {
                cmd.user(process.user().uid().toString());
            }
            if (process.user().gid() != null) {
                cmd.primaryGroup(process.user().gid().toString());
            }
            if (process.user().additionalGids() != null) {
                process.user().additionalGids().forEach(g -> cmd.supplementaryGroup(g.toString()));
            }
        }
        if (process.capabilities() != null && process.capabilities().effective() != null) {
            process.capabilities().effective().forEach(cmd::capability);
        }
        Cmd built = cmd.build();
        built.validate("process");
        return built;
    }
}
