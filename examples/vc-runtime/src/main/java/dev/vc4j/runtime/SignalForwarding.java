package dev.vc4j.runtime;

import dev.vc4j.Signal;

import java.util.List;
import java.util.function.Consumer;

/**
 * The signals an engine sends to the pid it watches (a shim, an exec's relay), passed on to the process in the
 * guest. SIGKILL and SIGSTOP cannot be caught; SIGQUIT stays the JVM's.
 */
final class SignalForwarding {
    private static final List<String> FORWARDED = List.of("TERM", "INT", "HUP", "USR1", "USR2");

    private SignalForwarding() {}

    @SuppressWarnings("restriction")
    static void install(Consumer<Signal> target) {
        for (String name : FORWARDED) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    try {
                        target.accept(Signal.parse(name));
                    } catch (RuntimeException e) {
                        RuntimeLog.current()
                                .write("warning", "forwarding SIG" + name + " failed: " + Errors.message(e));
                    }
                });
            } catch (IllegalArgumentException e) {
                RuntimeLog.current().write("debug", "SIG" + name + " is the JVM's: not forwarded");
            }
        }
    }
}
