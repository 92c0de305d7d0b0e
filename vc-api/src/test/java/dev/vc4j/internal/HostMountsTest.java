package dev.vc4j.internal;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.Mount;
import dev.vc4j.Rootfs;
import dev.vc4j.spi.AgentSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/** A container's host mounts as the guest makes them: directories through shares, files as copies. */
class HostMountsTest {
    @TempDir
    Path dir;

    private static ContainerConfig config(Mount... mounts) {
        ContainerConfig.Builder b = ContainerConfig.builder()
                .id("c1")
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(Path.of("/srv/c1")));
        List.of(mounts).forEach(b::mount);
        return b.build();
    }

    @Test
    void aHostFileIsCopiedWithItsModeAndBoundFromTheCopyAHostDirectoryFromItsShare() throws IOException {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.0.2.3\n");
        Files.setPosixFilePermissions(resolv, PosixFilePermissions.fromString("rw-r-----"));
        Path data = Files.createDirectory(dir.resolve("data"));
        AgentSession agent = mock(AgentSession.class);
        List<String> shared = new ArrayList<>();

        List<dev.vc4j.oci.Mount> delivered = HostMounts.deliver(
                config(
                        new Mount("tmpfs", "/tmp", "tmpfs", null),
                        Mount.bind(resolv, "/etc/resolv.conf", true),
                        Mount.bind(data, "/data", false)),
                agent,
                (index, host, readOnly) -> {
                    shared.add(index + " " + host + " " + readOnly);
                    return "/run/vc4j-agent/sandbox/vol/data";
                });

        verify(agent)
                .copyFile(eq("c1/mounts/1"), eq("nameserver 10.0.2.3\n".getBytes(StandardCharsets.UTF_8)), eq(0640));
        assertEquals(List.of("2 " + data + " false"), shared);
        assertEquals(
                List.of(
                        dev.vc4j.oci.Mount.builder()
                                .destination("/tmp")
                                .type("tmpfs")
                                .source("tmpfs")
                                .options(List.of())
                                .build(),
                        dev.vc4j.oci.Mount.builder()
                                .destination("/etc/resolv.conf")
                                .type("bind")
                                .source("/run/vc4j-agent/shared/c1/mounts/1")
                                .options("rbind", "ro")
                                .build(),
                        dev.vc4j.oci.Mount.builder()
                                .destination("/data")
                                .type("bind")
                                .source("/run/vc4j-agent/sandbox/vol/data")
                                .options("rbind")
                                .build()),
                delivered);
    }

    @Test
    void whatCannotReachTheGuestIsRefusedBeforeAnythingIsDone() throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength((1 << 20) + 1);
        }
        HostMounts.check(config(Mount.bind(dir, "/d", true))); // any existing directory: shared at create

        for (Path bad : List.of(big, dir.resolve("missing"), Path.of("/dev/null"))) {
            InvalidConfigException e = assertThrows(
                    InvalidConfigException.class,
                    () -> HostMounts.check(
                            config(new Mount("tmpfs", "/tmp", "tmpfs", null), Mount.bind(bad, "/x", true))));
            assertEquals("mounts[1].source", e.field());
            assertEquals(bad.toString(), e.value());
        }
    }
}
