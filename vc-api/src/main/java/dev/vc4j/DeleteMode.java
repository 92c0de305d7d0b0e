package dev.vc4j;

/** What {@link Container#delete(DeleteMode)} does with a container that still runs. */
public enum DeleteMode {
    /** Refuses a container that is not ready (never started) or stopped: {@link Container#delete()}. */
    REQUIRE_STOPPED,
    /** Kills what runs in the container first, in any state. */
    FORCE
}
