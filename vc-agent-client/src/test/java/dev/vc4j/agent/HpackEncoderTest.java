package dev.vc4j.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static dev.vc4j.agent.HpackDecoderTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HpackEncoderTest {
    private static byte[] encode(HttpHeader... headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder.encode(List.of(headers), out);
        return out.toByteArray();
    }

    @Test
    void aFieldIsALiteralWithoutIndexingWithRawStrings() {
        assertArrayEquals(hex("00 02 7465 08 7472 6169 6c65 7273"), encode(new HttpHeader("te", "trailers")));
    }

    /** 126 fits the 7-bit prefix; 127 fills it and continues with 0; 300 continues with 173 = 0xad, then 1. */
    @Test
    void lengthsFromTheSevenBitPrefixOnContinue() {
        assertEquals(0x7e, encode(new HttpHeader("a", "x".repeat(126)))[3]);
        byte[] at127 = encode(new HttpHeader("a", "x".repeat(127)));
        assertArrayEquals(hex("7f 00 78"), Arrays.copyOfRange(at127, 3, 6));
        byte[] at300 = encode(new HttpHeader("a", "x".repeat(300)));
        assertArrayEquals(hex("7f ad 01 78"), Arrays.copyOfRange(at300, 3, 7));
        assertEquals(3 + 3 + 300, at300.length);
    }

    @Test
    void whatTheEncoderWritesTheDecoderReadsBack() throws HpackException {
        List<HttpHeader> headers = List.of(
                new HttpHeader(":method", "POST"),
                new HttpHeader(":scheme", "http"),
                new HttpHeader(":path", "/grpc.Agent/CreateContainer"),
                new HttpHeader(":authority", "localhost"),
                new HttpHeader("content-type", "application/grpc"),
                new HttpHeader("te", "trailers"),
                new HttpHeader("grpc-timeout", "5000m"),
                new HttpHeader("empty", ""),
                new HttpHeader("long", "0123456789abcdef".repeat(1000)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder.encode(headers, out);
        byte[] block = out.toByteArray();
        HpackDecoder decoder = new HpackDecoder(64 * 1024);
        assertEquals(headers, decoder.decode(block, 0, block.length));
        // nothing went into the decoder's dynamic table: index 62 finds no entry
        assertThrows(HpackException.class, () -> decoder.decode(new byte[] {(byte) 0xbe}, 0, 1));
    }

    private static void assertRefused(HttpHeader header, String expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<HttpHeader> headers = List.of(new HttpHeader("te", "trailers"), header);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HpackEncoder.encode(headers, out));
        assertEquals(expected, e.getMessage());
        assertEquals(0, out.size(), "nothing written, not even the fields before the refused one");
    }

    private static void assertValueRefused(String value, String codePoint, int at) {
        assertRefused(
                new HttpHeader("x-a", value),
                "HTTP/2 header 'x-a' has " + codePoint + " in its value at " + at
                        + " (only ASCII without CR, LF and NUL)");
    }

    @Test
    void aCarriageReturnInAValueIsRefused() {
        assertValueRefused("one\r\ntwo", "U+000D", 3);
    }

    @Test
    void aLineFeedNulOrNonAsciiCharacterIsRefused() {
        assertValueRefused("a\nb", "U+000A", 1);
        assertValueRefused("\0", "U+0000", 0);
        assertValueRefused("caf\u00e9", "U+00E9", 3);
        assertRefused(
                new HttpHeader("x\rb", "v"),
                "HTTP/2 header name 'x...' has U+000D at 1 (only lowercase ASCII without CR, LF and NUL)");
    }

    @Test
    void anUppercaseOrEmptyNameIsRefused() {
        assertRefused(
                new HttpHeader("Content-Type", "application/grpc"),
                "HTTP/2 header name '...' has U+0043 at 0 (only lowercase ASCII without CR, LF and NUL)");
        assertRefused(new HttpHeader("", "v"), "HTTP/2 header with an empty name");
    }
}
