package dev.vc4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SignalTest {

    @ParameterizedTest
    @CsvSource({
        "SIGUSR1, 10",
        "USR1, 10",
        "10, 10",
        "sigterm, 15",
        "' TERM ', 15",
        "KILL, 9",
        "SIGHUP, 1",
        "WINCH, 28",
        "SYS, 31",
        "RTMIN, 34",
        "SIGRTMIN+3, 37",
        "RTMAX, 64",
        "RTMAX-2, 62",
        "33, 33",
        "64, 64"
    })
    void namesAndNumbersParseToTheGuestsNumbers(String text, int number) {
        assertEquals(number, Signal.parse(text).number());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "SIG", "TERMINATE", "0", "65", "-9", "RTMIN+31", "RTMAX-31", "SIGSIGTERM", "9x"})
    void anythingElseIsRefusedNamingTheFieldAndTheText(String text) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Signal.parse(text));
        assertEquals("signal", e.field());
        assertEquals(text, e.value());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65, 128})
    void aNumberOutsideOneToSixtyFourIsRefusedNamingTheField(int number) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Signal.of(number));
        assertEquals("signal", e.field());
        assertEquals(String.valueOf(number), e.value());
    }

    @ParameterizedTest
    @CsvSource({"15, TERM, SIGTERM", "34, RTMIN, SIGRTMIN", "36, RTMIN+2, SIGRTMIN+2", "32, 32, signal 32"})
    void aSignalShowsItsName(int number, String name, String shown) {
        assertEquals(name, Signal.of(number).name());
        assertEquals(shown, Signal.of(number).toString());
        assertEquals(Signal.of(number), Signal.parse(name), "a name parses back");
    }

    @Test
    void aNullIsRefusedLikeAnUnknownName() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Signal.parse(null));
        assertEquals("signal", e.field());
    }
}
