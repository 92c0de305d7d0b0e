package dev.vc4j;

import dev.vc4j.ContainerState.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.vc4j.ContainerState.PAUSED;
import static dev.vc4j.ContainerState.READY;
import static dev.vc4j.ContainerState.RUNNING;
import static dev.vc4j.ContainerState.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every (from, to) pair and every (state, operation) pair of the container machine, against the tables. */
class ContainerStateTest {
    private static final Map<ContainerState, Set<ContainerState>> MOVES = Map.of(
            READY, Set.of(RUNNING, STOPPED),
            RUNNING, Set.of(PAUSED, STOPPED),
            PAUSED, Set.of(RUNNING, STOPPED),
            STOPPED, Set.of(RUNNING));

    private static final Map<Operation, Set<ContainerState>> NEEDS = Map.ofEntries(
            Map.entry(Operation.START, Set.of(READY, STOPPED)),
            Map.entry(Operation.STOP, Set.of(RUNNING, PAUSED)),
            Map.entry(Operation.DELETE, Set.of(READY, STOPPED)),
            Map.entry(Operation.PAUSE, Set.of(RUNNING)),
            Map.entry(Operation.RESUME, Set.of(PAUSED)),
            Map.entry(Operation.EXEC, Set.of(RUNNING)),
            Map.entry(Operation.WAIT, Set.of(RUNNING)),
            Map.entry(Operation.UPDATE, Set.of(RUNNING)),
            Map.entry(Operation.SIGNAL, Set.of(READY, RUNNING, PAUSED)),
            Map.entry(Operation.STATS, Set.of(RUNNING, PAUSED)),
            Map.entry(Operation.PROCESSES, Set.of(RUNNING, PAUSED)));

    static Stream<Arguments> moves() {
        return Arrays.stream(ContainerState.values())
                .flatMap(from -> Arrays.stream(ContainerState.values()).map(to -> Arguments.of(from, to)));
    }

    static Stream<Arguments> operations() {
        assertEquals(Set.of(Operation.values()), NEEDS.keySet(), "an operation without an expected row");
        return Arrays.stream(Operation.values())
                .flatMap(op -> Arrays.stream(ContainerState.values()).map(state -> Arguments.of(op, state)));
    }

    @Test
    void theStatesAreTheSandboxsStates() {
        assertEquals(
                Arrays.stream(SandboxState.values()).map(Enum::name).toList(),
                Arrays.stream(ContainerState.values()).map(Enum::name).toList());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("moves")
    void moveFollowsTheTable(ContainerState from, ContainerState to) {
        if (MOVES.get(from).contains(to)) {
            assertTrue(from.canMoveTo(to));
            assertEquals(to, from.moveTo(to, "c1"));
        } else {
            InvalidStateException e = assertThrows(InvalidStateException.class, () -> from.moveTo(to, "c1"));
            assertEquals(from, e.current());
            assertEquals(lower(to), e.wanted());
            assertTrue(e.getMessage().startsWith("container `c1` is " + lower(from)), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("operations")
    void operationNeedsItsStates(Operation operation, ContainerState state) {
        if (NEEDS.get(operation).contains(state)) {
            assertTrue(operation.allowedIn(state));
            operation.require("c1", state);
        } else {
            InvalidStateException e = assertThrows(InvalidStateException.class, () -> operation.require("c1", state));
            assertEquals(state, e.current());
            assertTrue(e.getMessage().contains("cannot " + lower(operation)), e.getMessage());
            NEEDS.get(operation).forEach(s -> assertTrue(e.wanted().contains(lower(s)), e.wanted()));
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
