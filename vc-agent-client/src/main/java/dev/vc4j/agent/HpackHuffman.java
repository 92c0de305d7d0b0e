package dev.vc4j.agent;

import java.nio.charset.StandardCharsets;

/**
 * HPACK's static Huffman code (RFC 7541 section 5.2 and Appendix B), decoding only: the client sends its strings
 * raw.
 *
 * <p>The code is canonical: within each code length, codes are consecutive numbers in symbol order, and each length
 * starts where the shorter ones left off, shifted left. So the 257 code lengths of Appendix B determine every code,
 * and decoding needs, per length, only the first code, how many codes there are and where their symbols sit in a
 * list sorted by (length, symbol). Reading bit by bit, the bits read since the last symbol are a code as soon as
 * they fall inside their length's range.
 */
final class HpackHuffman {
    /** Symbol 256, which a string must not contain: its leading bits only pad the last octet. */
    private static final int EOS = 256;

    private static final int LONGEST = 30;

    /** Appendix B's "len in bits" column, symbols 0 to 256, sixteen a line. */
    private static final byte[] CODE_LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32 ' '
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48 '0'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64 '@'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80 'P'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96 '`'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112 'p'
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240
        30 // 256 EOS
    };

    // Per code length: its first code, how many codes it has, and where its symbols start in SYMBOLS.
    private static final int[] FIRST_CODE = new int[LONGEST + 1];
    private static final int[] COUNT = new int[LONGEST + 1];
    private static final int[] FIRST_INDEX = new int[LONGEST + 1];
    private static final short[] SYMBOLS = new short[CODE_LENGTHS.length];

    static {
        for (byte length : CODE_LENGTHS) {
            COUNT[length]++;
        }
        int code = 0;
        int index = 0;
        for (int length = 1; length <= LONGEST; length++) {
            FIRST_CODE[length] = code;
            FIRST_INDEX[length] = index;
            code = (code + COUNT[length]) << 1;
            index += COUNT[length];
        }
        int[] next = FIRST_INDEX.clone();
        for (int symbol = 0; symbol < CODE_LENGTHS.length; symbol++) {
            SYMBOLS[next[CODE_LENGTHS[symbol]]++] = (short) symbol;
        }
    }

    private HpackHuffman() {}

    /**
     * Decodes {@code length} octets of {@code src} from {@code offset}. The caller has checked that they lie inside
     * the block; the result is at most 8/5 as long, the shortest code having 5 bits.
     *
     * @throws HpackException for EOS inside the string, or padding that is longer than 7 bits or not all ones
     *     (section 5.2); the message says where, counted in octets from the string's start
     */
    static String decode(byte[] src, int offset, int length) throws HpackException {
        byte[] out = new byte[(int) ((long) length * 8 / 5)];
        int decoded = 0;
        int code = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            int octet = src[offset + i] & 0xff;
            for (int shift = 7; shift >= 0; shift--) {
                code = (code << 1) | ((octet >>> shift) & 1);
                bits++;
                // Never negative: in a complete canonical code, bits that start no shorter code are at least the
                // first code of their length. And every 30 bits hold a code, so bits stays within LONGEST.
                int rank = code - FIRST_CODE[bits];
                if (rank < COUNT[bits]) {
                    int symbol = SYMBOLS[FIRST_INDEX[bits] + rank];
                    if (symbol == EOS) {
                        throw new HpackException("EOS symbol in a Huffman string, ending in its octet " + i);
                    }
                    out[decoded++] = (byte) symbol;
                    code = 0;
                    bits = 0;
                }
            }
        }
        if (bits > 7) {
            throw new HpackException("Huffman string ends in " + bits + " bits of padding or a cut code (at most 7)");
        }
        if (code != (1 << bits) - 1) {
            throw new HpackException("Huffman string's last " + bits + " bits of padding are not all ones");
        }
        return new String(out, 0, decoded, StandardCharsets.ISO_8859_1);
    }
}
