package dev.vc4j.agent;

import dev.vc4j.spi.GuestText;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the header blocks of one HTTP/2 connection's responses (RFC 7541). The peer is not trusted: every index,
 * length and integer is checked against the block before it is used, so a block cannot make the decoder allocate
 * more than a small multiple of its own size, and the decoded header list is bounded.
 *
 * <p>One decoder per connection, used by one thread at a time, in the order the blocks arrived: the dynamic table
 * carries over from block to block. After an {@link HpackException} the table may be half updated, and the
 * connection has to end (HTTP/2's COMPRESSION_ERROR).
 */
final class HpackDecoder {
    /**
     * HTTP/2's default SETTINGS_HEADER_TABLE_SIZE, which the client never changes: the most the peer may let its
     * encoder's table, and so this decoder's, hold.
     */
    private static final int TABLE_CAPACITY = 4096;

    /** Enough for any int in 7-bit groups after the prefix; more would only be zeros padding an encoding. */
    private static final int MAX_CONTINUATION_OCTETS = 5;

    private final int maxHeaderListBytes;
    private final HpackDynamicTable table = new HpackDynamicTable(TABLE_CAPACITY);

    // The block being decoded: its array, its bounds, the next octet to read, and where the representation (field
    // or table size update) being read starts, for messages.
    private byte[] block;
    private int start;
    private int end;
    private int position;
    private int representationStart;

    /**
     * @param maxHeaderListBytes the largest header list accepted, counted as RFC 7540 section 6.5.2 does: each
     *     field's name and value octets plus 32
     */
    HpackDecoder(int maxHeaderListBytes) {
        if (maxHeaderListBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderListBytes must be positive: " + maxHeaderListBytes);
        }
        this.maxHeaderListBytes = maxHeaderListBytes;
    }

    /**
     * Decodes one complete header block: a HEADERS frame's fragment and its CONTINUATION fragments, joined, without
     * padding.
     *
     * @return the fields in the order the block lists them
     * @throws HpackException the block is malformed, or its header list is larger than the bound
     */
    List<HttpHeader> decode(byte[] block, int offset, int length) throws HpackException {
        Objects.checkFromIndexSize(offset, length, block.length);
        this.block = block;
        start = offset;
        position = offset;
        end = offset + length;
        try {
            return decodeFields();
        } finally {
            this.block = null;
        }
    }

    private List<HttpHeader> decodeFields() throws HpackException {
        List<HttpHeader> fields = new ArrayList<>();
        long listBytes = 0;
        while (position < end) {
            representationStart = position;
            int first = block[position] & 0xff;
            HttpHeader field;
            if ((first & 0x80) != 0) {
                field = entry(readInt(7));
            } else if ((first & 0x40) != 0) {
                field = literal(6);
                table.add(field);
            } else if ((first & 0x20) != 0) {
                // Section 4.2: only before the first field, where the peer acknowledges a new table size.
                if (!fields.isEmpty()) {
                    throw error("dynamic table size update after a header field");
                }
                updateTableSize();
                continue;
            } else {
                // 0000: without indexing, 0001: never indexed; the same to a decoder that forwards nothing.
                field = literal(4);
            }
            listBytes += HpackDynamicTable.sizeOf(field);
            if (listBytes > maxHeaderListBytes) {
                throw error("header list of more than its bound of " + maxHeaderListBytes
                        + " octets (name + value + 32 a field), with field " + (fields.size() + 1) + " '"
                        + GuestText.bounded(field.name(), GuestText.NAME_MAX) + "'");
            }
            fields.add(field);
        }
        return fields;
    }

    private void updateTableSize() throws HpackException {
        int newMaxSize = readInt(5);
        if (newMaxSize > TABLE_CAPACITY) {
            throw error("dynamic table size update to " + newMaxSize + " octets, above the " + TABLE_CAPACITY
                    + " of SETTINGS_HEADER_TABLE_SIZE");
        }
        table.setMaxSize(newMaxSize);
    }

    /** A literal field whose first octet's low {@code prefixBits} hold its name's index, 0 for a literal name. */
    private HttpHeader literal(int prefixBits) throws HpackException {
        int nameIndex = readInt(prefixBits);
        String name = nameIndex == 0 ? readString() : entry(nameIndex).name();
        return new HttpHeader(name, readString());
    }

    /** The static entries first, then the dynamic ones from the newest (section 2.3.3). */
    private HttpHeader entry(int index) throws HpackException {
        if (index == 0) {
            throw error("index 0, which no entry has");
        }
        if (index <= HpackStaticTable.LENGTH) {
            return HpackStaticTable.get(index);
        }
        if (index - HpackStaticTable.LENGTH > table.length()) {
            throw error("index " + index + " beyond the " + HpackStaticTable.LENGTH + " static and " + table.length()
                    + " dynamic entries");
        }
        return table.get(index - HpackStaticTable.LENGTH);
    }

    /** An integer with a {@code prefixBits}-bit prefix (section 5.1), starting at the current octet. */
    private int readInt(int prefixBits) throws HpackException {
        int at = position;
        int prefixMax = (1 << prefixBits) - 1;
        long value = block[position++] & prefixMax;
        if (value < prefixMax) {
            return (int) value;
        }
        for (int octets = 0; octets < MAX_CONTINUATION_OCTETS; octets++) {
            if (position == end) {
                throw error("block ends inside the integer at octet " + (at - start));
            }
            int octet = block[position++] & 0xff;
            value += (long) (octet & 0x7f) << (7 * octets);
            if (value > Integer.MAX_VALUE) {
                throw error("integer at octet " + (at - start) + " overflows an int");
            }
            if ((octet & 0x80) == 0) {
                return (int) value;
            }
        }
        throw error("integer at octet " + (at - start) + " has more than " + MAX_CONTINUATION_OCTETS
                + " continuation octets");
    }

    /** A string literal (section 5.2): its length is checked against the block before anything is allocated. */
    private String readString() throws HpackException {
        if (position == end) {
            throw error("block ends before a string literal");
        }
        int at = position;
        boolean huffman = (block[position] & 0x80) != 0;
        int length = readInt(7);
        if (length > end - position) {
            throw error("string of " + length + " octets at octet " + (at - start) + " runs past the block's end ("
                    + (end - position) + " octets left)");
        }
        String string;
        try {
            string = huffman
                    ? HpackHuffman.decode(block, position, length)
                    : new String(block, position, length, StandardCharsets.ISO_8859_1);
        } catch (HpackException e) {
            throw error("string at octet " + (at - start) + ": " + e.getMessage());
        }
        position += length;
        return string;
    }

    private HpackException error(String what) {
        return new HpackException("HPACK: " + what + " (in the representation at octet " + (representationStart - start)
                + " of the block)");
    }
}
