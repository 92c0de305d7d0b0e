package dev.vc4j.spi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GuestTextTest {
    @Test
    void controlCharactersAreEscaped() {
        assertEquals("a\\nb\\r\\tc", GuestText.bounded("a\nb\r\tc", 100));
        assertEquals("\\x1b[31mred\\x1b[0m", GuestText.bounded("\u001b[31mred\u001b[0m", 100));
        assertEquals("\\x00\\x07\\x7f\\x85", GuestText.bounded("\u0000\u0007\u007f\u0085", 100));
    }

    @Test
    void formatAndSeparatorCharactersAreEscaped() {
        assertEquals("abc\\u202etxt.exe", GuestText.bounded("abc\u202etxt.exe", 100));
        assertEquals("one\\u2028two\\u2029", GuestText.bounded("one\u2028two\u2029", 100));
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String text = "field `value`: r\u00e9sum\u00e9 \ud83d\ude00 \\n";
        assertEquals(text, GuestText.bounded(text, 100));
        assertEquals("", GuestText.bounded("", 100));
        assertEquals("", GuestText.bounded(null, 100));
    }

    @Test
    void longTextIsCutWithAMarker() {
        assertEquals("abcde", GuestText.bounded("abcde", 5));
        assertEquals("abcd" + GuestText.CUT, GuestText.bounded("abcdef", 4));
        assertEquals(
                GuestText.TEXT_MAX + GuestText.CUT.length(),
                GuestText.bounded("x".repeat(1 << 20), GuestText.TEXT_MAX).length());
    }

    @Test
    void aCutSplitsNeitherAnEscapeNorACharacter() {
        assertEquals("ab" + GuestText.CUT, GuestText.bounded("ab\ncd", 3));
        assertEquals("a" + GuestText.CUT, GuestText.bounded("a\ud83d\ude00", 2));
        assertEquals("a\ud83d\ude00", GuestText.bounded("a\ud83d\ude00", 3));
    }
}
