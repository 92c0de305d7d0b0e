package dev.vc4j.spi;

import dev.vc4j.ExecResult;
import dev.vc4j.GuestCommand;
import dev.vc4j.GuestDetails;

/** One connection to one guest agent; every call has a deadline. Closing it leaves the guest untouched. */
public interface AgentSession extends AutoCloseable {

    void check();

    GuestDetails guestDetails();

    ExecResult runProcess(GuestCommand command);

    @Override
    void close();
}
