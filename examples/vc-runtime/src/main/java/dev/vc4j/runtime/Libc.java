package dev.vc4j.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The C library calls the JDK does not offer. */
interface Libc extends Library {
    Libc C = Native.load("c", Libc.class);

    /** A new session without a controlling terminal: the engine's terminal signals do not reach the shim. */
    int setsid();

    /** Netns mode needs root. */
    int geteuid();
}
