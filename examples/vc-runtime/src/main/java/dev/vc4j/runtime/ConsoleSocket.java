package dev.vc4j.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * {@code --console-socket}: a pty on the host whose master goes to the engine over a unix socket (SCM_RIGHTS), as
 * runc does it; the shim relays the slave end to the container's terminal in the guest. The implementation is
 * found through its service file (META-INF/services), as none of the JDK's socket APIs can pass a descriptor.
 */
public interface ConsoleSocket {
    /** Allocates a pty, sends its master to the socket at {@code path} and returns the end the shim relays. */
    HostTerminal sendMaster(Path path) throws IOException;

    /** The shim's end of the pty. */
    interface HostTerminal extends Closeable {
        /** What the engine types. */
        InputStream input();

        /** What the engine shows. */
        OutputStream output();

        /** Calls {@code listener} with rows and columns whenever the engine resizes the terminal. */
        void onResize(ResizeListener listener);
    }

    /** A new window size. */
    interface ResizeListener {
        void resized(int rows, int columns);
    }

    /** The implementation on the class path, if any. */
    static Optional<ConsoleSocket> find() {
        return ServiceLoader.load(ConsoleSocket.class, ConsoleSocket.class.getClassLoader())
                .findFirst();
    }
}
