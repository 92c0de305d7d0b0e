package dev.vc4j;

import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/** An operation is not allowed in the current state; names the current state and what was wanted. */
public final class InvalidStateException extends VcException {
    private final Enum<?> current;
    private final String wanted;

    private InvalidStateException(String message, Enum<?> current, String wanted) {
        super(ErrorCode.ILLEGAL_STATE, message, null);
        this.current = current;
        this.wanted = wanted;
    }

    /** A move the state machine does not allow. */
    public static InvalidStateException transition(String what, String id, Enum<?> from, Enum<?> to) {
        return new InvalidStateException(
                what + " `" + id + "` is " + name(from) + ", cannot move to " + name(to), from, name(to));
    }

    /** An operation that needs one of {@code allowed}. */
    public static InvalidStateException operation(
            String what, String id, Enum<?> current, String operation, Collection<? extends Enum<?>> allowed) {
        String needs = allowed.stream().map(InvalidStateException::name).collect(Collectors.joining(" or "));
        return new InvalidStateException(
                what + " `" + id + "` is " + name(current) + ", cannot " + operation + " (needs " + needs + ")",
                current,
                needs);
    }

    /** A start refused because other objects it depends on are not running; {@code notRunning} lists them. */
    public static InvalidStateException dependencies(String what, String id, Enum<?> current, String notRunning) {
        return new InvalidStateException(
                what + " `" + id + "` cannot start: its dependencies " + notRunning + " are not running",
                current,
                "dependencies running");
    }

    private static String name(Enum<?> state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    public Enum<?> current() {
        return current;
    }

    /** The wanted state, or for an operation the states it needs, lower case. */
    public String wanted() {
        return wanted;
    }
}
