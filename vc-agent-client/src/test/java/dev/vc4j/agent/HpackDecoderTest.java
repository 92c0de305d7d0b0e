package dev.vc4j.agent;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder against RFC 7541 Appendix C's examples, byte for byte, and against blocks a hostile guest could send.
 * The dynamic table is checked through what a block can see of it: indexes that must find its entries, newest
 * first, and the first index past its end.
 */
class HpackDecoderTest {
    private static final int BOUND = 8192;

    /** The hex dumps as the RFC prints them; spaces are ignored. */
    static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replace(" ", ""));
    }

    private static List<HttpHeader> decode(HpackDecoder decoder, String dump) throws HpackException {
        byte[] block = hex(dump);
        return decoder.decode(block, 0, block.length);
    }

    private static HpackException refused(String dump) {
        return refused(new HpackDecoder(BOUND), dump);
    }

    private static HpackException refused(HpackDecoder decoder, String dump) {
        return assertThrows(HpackException.class, () -> decode(decoder, dump));
    }

    private static HttpHeader h(String name, String value) {
        return new HttpHeader(name, value);
    }

    /** Index 62 onwards must find {@code entries}, newest first, and nothing after them. */
    private static void assertDynamicTable(HpackDecoder decoder, HttpHeader... entries) throws HpackException {
        StringBuilder indexes = new StringBuilder();
        for (int i = 0; i < entries.length; i++) {
            indexes.append(String.format("%02x", 0x80 | (62 + i)));
        }
        assertEquals(List.of(entries), decode(decoder, indexes.toString()));
        int past = 62 + entries.length;
        HpackException e = refused(decoder, String.format("%02x", 0x80 | past));
        assertTrue(
                e.getMessage()
                        .contains("index " + past + " beyond the 61 static and " + entries.length + " dynamic entries"),
                e.getMessage());
    }

    @Test
    void literalWithIndexingAddsToTheTable() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.2.1
        assertEquals(
                List.of(h("custom-key", "custom-header")),
                decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertDynamicTable(decoder, h("custom-key", "custom-header"));
    }

    @Test
    void literalsWithoutIndexingAndNeverIndexedLeaveTheTableEmpty() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.2.2
        assertEquals(List.of(h(":path", "/sample/path")), decode(decoder, "040c 2f73 616d 706c 652f 7061 7468"));
        // C.2.3
        assertEquals(List.of(h("password", "secret")), decode(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        assertDynamicTable(decoder);
    }

    @Test
    void indexedFieldFromTheStaticTable() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.2.4
        assertEquals(List.of(h(":method", "GET")), decode(decoder, "82"));
        assertDynamicTable(decoder);
    }

    private static final List<HttpHeader> REQUEST_1 =
            List.of(h(":method", "GET"), h(":scheme", "http"), h(":path", "/"), h(":authority", "www.example.com"));
    /** The first request's fields and one more. */
    private static final List<HttpHeader> REQUEST_2 = Stream.concat(
                    REQUEST_1.stream(), Stream.of(h("cache-control", "no-cache")))
            .toList();

    private static final List<HttpHeader> REQUEST_3 = List.of(
            h(":method", "GET"),
            h(":scheme", "https"),
            h(":path", "/index.html"),
            h(":authority", "www.example.com"),
            h("custom-key", "custom-value"));

    private static void assertRequestTables(HpackDecoder decoder, int request) throws HpackException {
        HttpHeader[] all = {
            h("custom-key", "custom-value"), h("cache-control", "no-cache"), h(":authority", "www.example.com")
        };
        assertDynamicTable(decoder, Arrays.copyOfRange(all, 3 - request, 3));
    }

    @Test
    void requestsWithoutHuffmanShareTheTable() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.3.1
        assertEquals(REQUEST_1, decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        // C.3.2
        assertEquals(REQUEST_2, decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865"));
        // C.3.3
        assertEquals(
                REQUEST_3, decode(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"));
        assertRequestTables(decoder, 3);
    }

    @Test
    void requestsWithHuffmanShareTheTable() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.4.1
        assertEquals(REQUEST_1, decode(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"));
        assertRequestTables(decoder, 1);
        // C.4.2
        assertEquals(REQUEST_2, decode(decoder, "8286 84be 5886 a8eb 1064 9cbf"));
        assertRequestTables(decoder, 2);
        // C.4.3
        assertEquals(REQUEST_3, decode(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"));
        assertRequestTables(decoder, 3);
    }

    /**
     * C.5 and C.6 assume SETTINGS_HEADER_TABLE_SIZE 256. The client leaves it at 4096, so the peer's encoder may
     * lower its table only by a dynamic table size update: the first block here starts with one to 256 (3f e1 01),
     * which leaves the decoder's table exactly as such a setting would.
     */
    private static final String TABLE_SIZE_256 = "3fe1 01 ";

    private static final String DATE_1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "https://www.example.com";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static void assertResponses(String first, String second, String third) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        assertEquals(
                List.of(h(":status", "302"), h("cache-control", "private"), h("date", DATE_1), h("location", LOCATION)),
                decode(decoder, TABLE_SIZE_256 + first));
        assertDynamicTable(
                decoder,
                h("location", LOCATION),
                h("date", DATE_1),
                h("cache-control", "private"),
                h(":status", "302"));
        assertEquals(
                List.of(h(":status", "307"), h("cache-control", "private"), h("date", DATE_1), h("location", LOCATION)),
                decode(decoder, second));
        assertDynamicTable(
                decoder,
                h(":status", "307"),
                h("location", LOCATION),
                h("date", DATE_1),
                h("cache-control", "private"));
        assertEquals(
                List.of(
                        h(":status", "200"),
                        h("cache-control", "private"),
                        h("date", DATE_2),
                        h("location", LOCATION),
                        h("content-encoding", "gzip"),
                        h("set-cookie", COOKIE)),
                decode(decoder, third));
        assertDynamicTable(decoder, h("set-cookie", COOKIE), h("content-encoding", "gzip"), h("date", DATE_2));
    }

    @Test
    void responsesWithoutHuffmanEvictTheOldestEntries() throws HpackException {
        assertResponses(
                // C.5.1
                "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                        + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
                        + "6c65 2e63 6f6d",
                // C.5.2
                "4803 3330 37c1 c0bf",
                // C.5.3
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                        + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                        + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
                        + "3d31");
    }

    @Test
    void responsesWithHuffmanEvictTheOldestEntries() throws HpackException {
        assertResponses(
                // C.6.1
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                        + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                // C.6.2
                "4883 640e ffc1 c0bf",
                // C.6.3
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                        + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                        + "9587 3160 65c0 03ed 4ee5 b106 3d50 07");
    }

    private static void assertRefused(String dump, String expected) {
        HpackException e = refused(dump);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void indexZeroIsRefused() {
        assertRefused("82 80", "index 0, which no entry has (in the representation at octet 1 of the block)");
    }

    @Test
    void anIndexPastBothTablesIsRefused() {
        assertRefused("be", "index 62 beyond the 61 static and 0 dynamic entries");
        // the same for a literal's name
        assertRefused("7f 03 01 61", "index 66 beyond the 61 static and 0 dynamic entries");
    }

    @Test
    void aStringPastTheBlocksEndIsRefused() {
        assertRefused("00 05 6162", "string of 5 octets at octet 1 runs past the block's end (2 octets left)");
        assertRefused("0001 61", "block ends before a string literal");
        assertRefused("00", "block ends before a string literal");
    }

    /** 2^31 - 1 octets: the largest int, which would need 2 GiB were it allocated before the check. */
    @Test
    void aHugeLengthIsRefusedBeforeAnythingIsAllocated() {
        assertRefused(
                "00 7f80 ffff ff07 6162",
                "string of 2147483647 octets at octet 1 runs past the block's end (2 octets left)");
        // the same with the Huffman flag, where the decoded length is estimated from it
        assertRefused("00 ff80 ffff ff07 6162", "string of 2147483647 octets at octet 1");
    }

    @Test
    void anIntegerOverflowingAnIntIsRefused() {
        assertRefused("00 7f81 ffff ff07", "integer at octet 1 overflows an int");
        assertRefused("ff ffff ffff 0f", "integer at octet 0 overflows an int");
        assertRefused("ff 8080 8080 8000", "integer at octet 0 has more than 5 continuation octets");
        assertRefused("ff 80", "block ends inside the integer at octet 0");
    }

    @Test
    void eosInsideAHuffmanStringIsRefused() {
        // 'a' (00011), then EOS's 30 ones, then 5 ones of padding
        assertRefused("00 85 1fff ffff ff", "string at octet 1: EOS symbol in a Huffman string");
    }

    @Test
    void huffmanPaddingOfEightBitsOrMoreIsRefused() {
        assertRefused("00 81 ff", "8 bits of padding");
        // 'a' then 11 ones
        assertRefused("00 82 1fff", "11 bits of padding");
    }

    @Test
    void huffmanPaddingThatIsNotAllOnesIsRefused() {
        // 'a' then 010
        assertRefused("00 81 1a", "last 3 bits of padding are not all ones");
    }

    @Test
    void huffmanPaddingOfOnesAfterTheLastSymbolIsAccepted() throws HpackException {
        // 'a' then 111, an empty string, 'a' 'a' (10 bits) then 6 ones
        assertEquals(List.of(h("a", ""), h("aa", "")), decode(new HpackDecoder(BOUND), "00 81 1f 80 00 82 18ff 80"));
    }

    @Test
    void aTableSizeUpdateUpTo4096IsAcceptedAndAboveIsRefused() throws HpackException {
        // 4096 = 31 + 97 + 31 * 128
        assertEquals(List.of(h(":method", "GET")), decode(new HpackDecoder(BOUND), "3fe1 1f 82"));
        assertRefused("3fe2 1f 82", "dynamic table size update to 4097 octets, above the 4096");
    }

    @Test
    void aTableSizeUpdateAfterAFieldIsRefused() {
        assertRefused("82 3fe1 01", "dynamic table size update after a header field (in the representation at octet 1");
    }

    @Test
    void aTableSizeUpdateEvictsDownToTheNewSize() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        // C.3.1 then C.3.2, leaving entries of 53 and 57 octets
        decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
        decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865");
        // 109 octets keep only the newest; 0 then 4096 empty the table and let it grow again
        decode(decoder, "3f4e");
        assertDynamicTable(decoder, h("cache-control", "no-cache"));
        decode(decoder, "20 3fe1 1f 4003 6162 6301 78");
        assertDynamicTable(decoder, h("abc", "x"));
    }

    @Test
    void aFieldLargerThanTheTableEmptiesIt() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(BOUND);
        decode(decoder, "3f11 4003 6162 6301 78"); // size 48, entry of 36 octets
        assertDynamicTable(decoder, h("abc", "x"));
        decode(decoder, "4003 6162 6311 3031 3233 3435 3637 3839 3031 3233 3435 36"); // 52 octets
        assertDynamicTable(decoder);
    }

    /** C.3.1's fields take 42, 43, 38 and 57 octets as RFC 7540 counts them: 180 in all. */
    @Test
    void aHeaderListOverTheBoundIsRefused() throws HpackException {
        String request1 = "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
        assertEquals(REQUEST_1, decode(new HpackDecoder(180), request1));
        HpackException e = refused(new HpackDecoder(179), request1);
        assertTrue(
                e.getMessage()
                        .contains("header list of more than its bound of 179 octets (name + value + 32 a field),"
                                + " with field 4 ':authority'"),
                e.getMessage());
    }

    @Test
    void theBoundsMessageShowsTheGuestsFieldNameEscaped() {
        HpackException e = refused(new HpackDecoder(34), "00 03 610a62 00");
        assertTrue(e.getMessage().contains("with field 1 'a\\nb'"), e.getMessage());
    }

    @Test
    void aBlockCanStartInsideAnArray() throws HpackException {
        byte[] array = hex("ff 82 ff");
        assertEquals(List.of(h(":method", "GET")), new HpackDecoder(BOUND).decode(array, 1, 1));
        assertEquals(List.of(), new HpackDecoder(BOUND).decode(array, 1, 0));
    }
}
