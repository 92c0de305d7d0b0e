package dev.vc4j.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes the client's header lists, each field as a literal without indexing and with a new name (RFC 7541
 * section 6.2.2), its strings raw. The client never adds to the peer's dynamic table, so the encoder has no state
 * and needs no table size updates; request headers are few and short, so compression would gain little.
 */
final class HpackEncoder {
    /** Section 6.2.2's first octet: without indexing, index 0 (a literal name follows). */
    private static final int LITERAL_WITHOUT_INDEXING_NEW_NAME = 0x00;

    private HpackEncoder() {}

    /**
     * Appends the header block for {@code headers} to {@code out}; nothing is appended when a field is refused.
     *
     * @throws IllegalArgumentException a name or value that HTTP/2 would take as malformed: a name empty or with
     *     an uppercase letter, a character outside ASCII, or CR, LF or NUL, which could split or end a field where a
     *     peer turns the list back into HTTP/1 text
     */
    static void encode(List<HttpHeader> headers, ByteArrayOutputStream out) {
        for (HttpHeader header : headers) {
            check(header);
        }
        for (HttpHeader header : headers) {
            out.write(LITERAL_WITHOUT_INDEXING_NEW_NAME);
            writeString(header.name(), out);
            writeString(header.value(), out);
        }
    }

    /** Messages name the header but show no value, which may be a credential. */
    private static void check(HttpHeader header) {
        String name = header.name();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("HTTP/2 header with an empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || isForbidden(c)) {
                throw new IllegalArgumentException("HTTP/2 header name '" + name.substring(0, i) + "...' has "
                        + String.format("U+%04X", (int) c) + " at " + i
                        + " (only lowercase ASCII without CR, LF and NUL)");
            }
        }
        String value = header.value();
        for (int i = 0; i < value.length(); i++) {
            if (isForbidden(value.charAt(i))) {
                throw new IllegalArgumentException("HTTP/2 header '" + name + "' has "
                        + String.format("U+%04X", (int) value.charAt(i)) + " in its value at " + i
                        + " (only ASCII without CR, LF and NUL)");
            }
        }
    }

    private static boolean isForbidden(char c) {
        return c >= 0x80 || c == '\r' || c == '\n' || c == '\0';
    }

    /** A raw string literal: H = 0 and the length as a 7-bit prefix integer (sections 5.1 and 5.2). */
    private static void writeString(String s, ByteArrayOutputStream out) {
        int rest = s.length();
        if (rest < 0x7f) {
            out.write(rest);
        } else {
            out.write(0x7f);
            rest -= 0x7f;
            while (rest >= 0x80) {
                out.write((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            out.write(rest);
        }
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
