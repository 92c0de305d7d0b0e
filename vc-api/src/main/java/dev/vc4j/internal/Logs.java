package dev.vc4j.internal;

import dev.vc4j.VcException;
import dev.vc4j.spi.GuestText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's loggers, one per layer; the README lists every logger of vc4j and what each level carries. What
 * the engine logs names ids, states, codes and durations: never an env value, an annotation value or a hook's
 * arguments, and a failure only through {@link #failure} or {@link #kind}.
 */
public final class Logs {
    /** Sandboxes created, started, paused, resumed, stopped, deleted; a VM found dead; an operation undone. */
    public static final Logger SANDBOX = LoggerFactory.getLogger("dev.vc4j.sandbox");
    /** Containers created, started (again), exited, stopped, deleted; an OOM kill. */
    public static final Logger CONTAINER = LoggerFactory.getLogger("dev.vc4j.container");
    /** Host-side OCI hooks run, and their failures. */
    public static final Logger HOOKS = LoggerFactory.getLogger("dev.vc4j.hooks");
    /** Event listeners that failed. */
    public static final Logger EVENTS = LoggerFactory.getLogger("dev.vc4j.events");

    private Logs() {}

    /**
     * A failure for a log line, in place of the exception and its stack: the error code (or the type) and the
     * message on one line, escaped and bounded, since it may quote the guest (a dead VM's reason ends with the
     * tail of its console).
     */
    public static String failure(Throwable e) {
        return kind(e) + ": " + GuestText.bounded(e.getMessage(), GuestText.TEXT_MAX);
    }

    /**
     * The error code of a failure (the type of one that has none), for a line about a failure that its caller
     * gets: a hook's error quotes the hook's output, which the log never shows.
     */
    public static String kind(Throwable e) {
        return e instanceof VcException vc ? vc.code().name() : e.getClass().getSimpleName();
    }
}
