package dev.vc4j.storage;

import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mounts this process sees, as the kernel lists them in {@code /proc/self/mountinfo}: the truth about what is
 * mounted, whoever mounted it and whatever the store's files say.
 */
final class MountTable {
    static final MountTable PROC_SELF = new MountTable(Path.of("/proc/self/mountinfo"));
    /** The kernel writes a space, tab, newline or backslash in a path as a backslash and three octal digits. */
    private static final Pattern ESCAPED = Pattern.compile("\\\\([0-7]{3})");
    /** The mount point is a line's fifth field. */
    private static final int MOUNT_POINT = 4;

    private final Path file;

    MountTable(Path file) {
        this.file = file;
    }

    /**
     * The mount points at or under {@code dir}, innermost first, so that each can be unmounted in turn; a point
     * mounted over twice is listed twice. {@code dir} is compared as written: the caller resolves its symbolic
     * links, as the kernel lists real paths.
     */
    List<Path> under(Path dir) {
        List<Path> points = new ArrayList<>();
        for (String line : lines()) {
            String[] fields = line.split(" ");
            if (fields.length > MOUNT_POINT) {
                Path point = Path.of(unescape(fields[MOUNT_POINT]));
                if (point.startsWith(dir)) {
                    points.add(point);
                }
            }
        }
        Collections.reverse(points); // the kernel lists mounts in the order they were made: the latest on top
        points.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return points;
    }

    boolean isMountPoint(Path dir) {
        return under(dir).contains(dir);
    }

    /** Decoded leniently: a mount point that is not UTF-8 cannot be one of the store's paths anyway. */
    private List<String> lines() {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new StorageException("cannot read the mount table", file, e);
        }
    }

    private static String unescape(String field) {
        Matcher m = ESCAPED.matcher(field);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
        }
        return m.appendTail(out).toString();
    }
}
