package dev.vc4j.network;

import dev.vc4j.NetworkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The user and group ids this process runs with, as the kernel reports them for /proc/self. */
record HostIds(int uid, int gid) {
    boolean isRoot() {
        return uid == 0;
    }

    static HostIds current() {
        Path self = Path.of("/proc/self");
        try {
            return new HostIds(
                    (Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid"));
        } catch (IOException e) {
            throw new NetworkException("cannot read this process's ids from " + self + ": " + e.getMessage(), e);
        }
    }
}
