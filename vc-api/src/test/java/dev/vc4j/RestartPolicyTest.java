package dev.vc4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"no", "always", "on-failure", "on-failure:3"})
    void eachFormParsesAndPrintsBack(String text) {
        assertEquals(text, RestartPolicy.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "sometimes", "always:3", "no:1", "on-failure:", "on-failure:-1", "on-failure:x", "ON-FAILURE"
            })
    void anythingElseIsAConfigErrorNamingTheText(String text) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> RestartPolicy.parse(text));
        assertEquals("restartPolicy", e.field());
        assertEquals(text, e.value());
    }

    @Test
    void noPolicyRestartsAStopByTheUser() {
        for (String text : new String[] {"no", "always", "on-failure", "on-failure:3"}) {
            assertFalse(RestartPolicy.parse(text).restarts(true, 1, 0), text);
        }
    }

    @Test
    void noNeverRestartsAndAlwaysAlwaysDoes() {
        assertFalse(RestartPolicy.NO.restarts(false, 1, 0));
        RestartPolicy always = RestartPolicy.parse("always");
        assertTrue(always.restarts(false, 0, 0));
        assertTrue(always.restarts(false, 137, 1000));
    }

    @Test
    void onFailureCountsItsRetriesAndIgnoresSuccess() {
        RestartPolicy three = RestartPolicy.parse("on-failure:3");
        assertFalse(three.restarts(false, 0, 0), "a clean exit is not a failure");
        assertTrue(three.restarts(false, 1, 0));
        assertTrue(three.restarts(false, 1, 2));
        assertFalse(three.restarts(false, 1, 3), "the fourth restart is one too many");
        assertTrue(RestartPolicy.parse("on-failure").restarts(false, 1, 1_000_000), "without N there is no limit");
    }
}
