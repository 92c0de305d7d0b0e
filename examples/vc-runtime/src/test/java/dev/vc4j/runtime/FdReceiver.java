package dev.vc4j.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The engine's side of a console socket, as conmon has it: listens, accepts one connection, receives a descriptor. */
final class FdReceiver implements AutoCloseable {
    static {
        Native.register(FdReceiver.class, "c");
    }

    private static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    private static native int listen(int fd, int backlog) throws LastErrorException;

    private static native int accept(int fd, Pointer address, Pointer length) throws LastErrorException;

    private static native NativeLong recvmsg(int fd, PtyCalls.MsgHdr message, int flags) throws LastErrorException;

    /** A descriptor received and the message that carried it. */
    record Received(int fd, String message) {}

    private final int listener;

    FdReceiver(Path socket) {
        listener = PtyCalls.socket(PtyCalls.AF_UNIX, PtyCalls.SOCK_STREAM | PtyCalls.SOCK_CLOEXEC, 0);
        Memory address = PtyCalls.unixAddress(socket);
        bind(listener, address, (int) address.size());
        listen(listener, 1);
    }

    /** Accepts the sender's connection and receives its message; blocks until the sender has connected. */
    Received receive() {
        int connection = accept(listener, null, null);
        try {
            Memory payload = new Memory(256);
            Memory control = new Memory(PtyCalls.oneFdControlSize());
            control.clear();
            PtyCalls.MsgHdr message = PtyCalls.message(payload, control);
            int got = recvmsg(connection, message, 0).intValue();
            message.read();
            if (message.controlLength.intValue() < PtyCalls.cmsgHeaderSize() + 4
                    || control.getInt(NativeLong.SIZE) != PtyCalls.SOL_SOCKET
                    || control.getInt(NativeLong.SIZE + 4L) != PtyCalls.SCM_RIGHTS) {
                throw new IllegalStateException("the message carried no SCM_RIGHTS descriptor");
            }
            return new Received(
                    control.getInt(PtyCalls.cmsgHeaderSize()),
                    new String(payload.getByteArray(0, got), StandardCharsets.UTF_8));
        } finally {
            PtyCalls.closeQuietly(connection);
        }
    }

    @Override
    public void close() {
        PtyCalls.closeQuietly(listener);
    }
}
