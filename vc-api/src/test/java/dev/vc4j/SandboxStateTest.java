package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxStateTest {
    private static final Map<SandboxState, Set<SandboxState>> ALLOWED = Map.of(
            SandboxState.READY, EnumSet.of(SandboxState.RUNNING, SandboxState.STOPPED),
            SandboxState.RUNNING, EnumSet.of(SandboxState.PAUSED, SandboxState.STOPPED),
            SandboxState.PAUSED, EnumSet.of(SandboxState.RUNNING, SandboxState.STOPPED),
            SandboxState.STOPPED, EnumSet.of(SandboxState.RUNNING));

    @Test
    void everyPairFollowsTheTable() {
        for (SandboxState from : SandboxState.values()) {
            for (SandboxState to : SandboxState.values()) {
                boolean allowed = ALLOWED.get(from).contains(to);
                assertEquals(allowed, from.canMoveTo(to), from + " -> " + to);
                if (allowed) {
                    assertEquals(to, from.moveTo(to, "sb"));
                } else {
                    InvalidStateException e = assertThrows(InvalidStateException.class, () -> from.moveTo(to, "sb"));
                    assertEquals(from, e.current());
                    assertEquals(ErrorCode.ILLEGAL_STATE, e.code());
                    assertTrue(
                            e.getMessage().contains(from.name().toLowerCase())
                                    && e.getMessage().contains(to.name().toLowerCase()),
                            e.getMessage());
                }
            }
        }
    }
}
