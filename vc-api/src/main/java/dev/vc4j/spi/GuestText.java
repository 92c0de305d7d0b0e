package dev.vc4j.spi;

/**
 * Text the guest sent (an error's message, field, value or resource name), made fit for a host exception or log:
 * bounded, and with control and formatting characters escaped so that it cannot break a log line, move a terminal's
 * cursor or reorder what is shown. The drivers pass every string from the guest through it, and the engine every
 * failure's message that it logs.
 */
public final class GuestText {
    /** Bounds for a name (a field, a resource) and for anything longer (a value, a reason, a message). */
    public static final int NAME_MAX = 256;

    public static final int TEXT_MAX = 1024;
    /** Ends a text that was cut. */
    public static final String CUT = "...[cut]";

    private GuestText() {}

    /**
     * text with a newline shown as {@code \n}, ESC as {@code \x1b}, a format character such as U+202E by its
     * code point; cut after max characters, {@link #CUT} appended. {@code null} is empty.
     */
    public static String bounded(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            String shown = escaped(text.codePointAt(i));
            if (out.length() + shown.length() > max) {
                return out.append(CUT).toString();
            }
            out.append(shown);
        }
        return out.toString();
    }

    private static String escaped(int c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (Character.isISOControl(c)) {
            return String.format("\\x%02x", c);
        }
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return String.format("\\u%04x", c);
        }
        return Character.toString(c);
    }
}
