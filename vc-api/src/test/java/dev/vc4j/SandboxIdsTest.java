package dev.vc4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "sandbox-1", "A.b_c-d", "0"})
    void acceptsPlainNames(String id) {
        assertEquals(id, SandboxIds.check("id", id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../x", "a/b", "/abs", ".hidden", "-dash", "sp ace", "new\nline"})
    void rejectsWhatCouldEscapeOrConfuse(String id) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SandboxIds.check("id", id));
        assertEquals("id", e.field());
    }

    @Test
    void nulIsShownEscapedInTheMessage() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SandboxIds.check("id", "a\0b"));
        assertTrue(e.getMessage().contains("a\\x00b"), e.getMessage());
    }

    @Test
    void tooLongIsRejectedWithItsLength() {
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> SandboxIds.check("id", "x".repeat(300)));
        assertTrue(e.getMessage().contains("300 characters"), e.getMessage());
    }
}
