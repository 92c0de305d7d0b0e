package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The agent config's guest hook directory: absolute in the guest, or none. */
class AgentConfigTest {
    @Test
    void noHooksByDefault() {
        assertEquals("", AgentConfig.defaults().guestHookPath());
        assertEquals("", new AgentConfig(Duration.ofSeconds(1), null).guestHookPath());
    }

    @Test
    void anAbsoluteHookPathIsAccepted() {
        assertDoesNotThrow(
                () -> AgentConfig.defaults().withGuestHookPath("/run/hooks").validate("agent"));
    }

    @Test
    void aRelativeOrEscapingHookPathIsRejectedByName() {
        for (String bad : new String[] {"run/hooks", "/run/../etc", "/run/.."}) {
            InvalidConfigException e = assertThrows(
                    InvalidConfigException.class,
                    () -> AgentConfig.defaults().withGuestHookPath(bad).validate("agent"));
            assertEquals("agent.guestHookPath", e.field());
            assertEquals(bad, e.value());
        }
    }
}
