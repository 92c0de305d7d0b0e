package dev.vc4j;

/** Which processes of a container {@link Container#kill(Signal, KillScope)} signals. */
public enum KillScope {
    /** The container's own process (pid 1 of its namespace): {@link Container#kill(Signal)}. */
    MAIN_PROCESS,
    /** Every process of the container, its own and those exec'd or forked, as {@code runc kill --all}. */
    ALL_PROCESSES
}
