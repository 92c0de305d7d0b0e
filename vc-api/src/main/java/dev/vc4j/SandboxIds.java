package dev.vc4j;

import java.util.regex.Pattern;

/** Sandbox and container ids become directory names, so they are held to a charset that cannot escape a root. */
public final class SandboxIds {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    private SandboxIds() {}

    /** Returns {@code id} if valid, else throws {@link InvalidConfigException} naming {@code field}. */
    public static String check(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidConfigException(field, id, "must not be empty");
        }
        if (id.length() > 128) {
            throw new InvalidConfigException(
                    field, abbreviate(id), "is " + id.length() + " characters long, at most 128 are allowed");
        }
        if (!VALID.matcher(id).matches()) {
            throw new InvalidConfigException(
                    field,
                    printable(id),
                    "must match " + VALID.pattern() + " (letters, digits, '_', '.', '-'; no '/', no leading '.')");
        }
        return id;
    }

    /** Whether {@code id} would pass {@link #check}. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    private static String abbreviate(String id) {
        return printable(id.substring(0, 32)) + "...";
    }

    /** Control characters (NUL included) would corrupt a log line; show them escaped. */
    private static String printable(String id) {
        StringBuilder out = new StringBuilder();
        id.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
