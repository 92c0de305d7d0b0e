package dev.vc4j.spi;

/**
 * A container process as the agent knows it now: its pid in the guest (0 until crun has started it) and,
 * once it has exited, how it ended ({@code exit} is null while it runs).
 */
public record ProcessStatus(int pid, ProcessExit exit) {

    public boolean exited() {
        return exit != null;
    }
}
