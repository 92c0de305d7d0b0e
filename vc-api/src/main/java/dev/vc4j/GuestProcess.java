package dev.vc4j;

/** One process in a container, as {@code ps} would show it: its pid in the guest and its command line. */
public record GuestProcess(int pid, String command) {}
