package dev.vc4j.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code --console-socket} hand-over of a container with a terminal, as runc does it: the runtime opens a pty
 * pair, sends the master to the engine's unix socket as SCM_RIGHTS ancillary data (the engine, conmon or
 * containerd's shim, then owns the user's side), and keeps the slave, in raw mode, to relay the container's
 * terminal in the guest. Window sizes are read and set on either side with TIOCGWINSZ and TIOCSWINSZ.
 */
public final class PtyConsoleSocket {
    /** How long sending the master may block: a listener that stopped reading must not hang {@code create}. */
    private static final int SEND_TIMEOUT_SECONDS = 10;

    /** A terminal's size in character cells. */
    public record WindowSize(int rows, int columns) {
        public WindowSize {
            if (rows < 0 || rows > 0xffff) {
                throw new IllegalArgumentException("window size rows " + rows + " is outside 0..65535");
            }
            if (columns < 0 || columns > 0xffff) {
                throw new IllegalArgumentException("window size columns " + columns + " is outside 0..65535");
            }
        }
    }

    /**
     * Opens a pty pair, sends its master to the unix socket {@code consoleSocket} (the slave's path as the message,
     * as runc sends it) and closes this process's copy of the master. Returns the slave; when anything fails,
     * nothing stays open.
     */
    public PtyTerminal sendMaster(Path consoleSocket) throws IOException {
        int master = -1;
        int slave = -1;
        try {
            master = PtyCalls.posix_openpt(PtyCalls.O_RDWR | PtyCalls.O_NOCTTY | PtyCalls.O_CLOEXEC);
            PtyCalls.grantpt(master);
            PtyCalls.unlockpt(master);
            String slavePath = slavePath(master);
            slave = PtyCalls.open(slavePath, PtyCalls.O_RDWR | PtyCalls.O_NOCTTY | PtyCalls.O_CLOEXEC);
            makeRaw(slave);
            sendFd(consoleSocket, master, slavePath);
            PtyTerminal opened = new PtyTerminal(slave, slavePath);
            slave = -1;
            return opened;
        } catch (LastErrorException e) {
            throw new IOException("console socket " + consoleSocket + ": cannot open a pty pair: " + e.getMessage(), e);
        } finally {
            PtyCalls.closeQuietly(master);
            PtyCalls.closeQuietly(slave);
        }
    }

    /** The window size of the terminal open as {@code fd} (either side of a pty pair). */
    static WindowSize windowSize(int fd) throws IOException {
        PtyCalls.WinSize size = new PtyCalls.WinSize();
        try {
            PtyCalls.ioctl(fd, new NativeLong(PtyCalls.TIOCGWINSZ), size);
        } catch (LastErrorException e) {
            throw new IOException("TIOCGWINSZ on descriptor " + fd + ": " + e.getMessage(), e);
        }
        size.read();
        return new WindowSize(Short.toUnsignedInt(size.row), Short.toUnsignedInt(size.col));
    }

    /** Sets the window size of the terminal open as {@code fd}; the kernel signals SIGWINCH to its foreground group. */
    static void setWindowSize(int fd, WindowSize windowSize) throws IOException {
        PtyCalls.WinSize size = new PtyCalls.WinSize();
        size.row = (short) windowSize.rows();
        size.col = (short) windowSize.columns();
        size.write();
        try {
            PtyCalls.ioctl(fd, new NativeLong(PtyCalls.TIOCSWINSZ), size);
        } catch (LastErrorException e) {
            throw new IOException("TIOCSWINSZ " + windowSize + " on descriptor " + fd + ": " + e.getMessage(), e);
        }
    }

    /**
     * No line discipline on this side: the container's terminal is the guest's pty, which echoes, edits lines and
     * turns newlines into CR LF; this pty only relays its bytes, so doing it here too would double it.
     */
    private static void makeRaw(int fd) {
        Memory termios = new Memory(PtyCalls.TERMIOS_SIZE);
        termios.clear();
        PtyCalls.tcgetattr(fd, termios);
        PtyCalls.cfmakeraw(termios);
        PtyCalls.tcsetattr(fd, PtyCalls.TCSANOW, termios);
    }

    private static String slavePath(int master) throws IOException {
        byte[] name = new byte[128];
        int error = PtyCalls.ptsname_r(master, name, new NativeLong(name.length));
        if (error != 0) {
            throw new IOException("ptsname_r of the pty master failed with errno " + error);
        }
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        return new String(name, 0, length, StandardCharsets.UTF_8);
    }

    private static void sendFd(Path consoleSocket, int fd, String payloadText) throws IOException {
        Memory address = PtyCalls.unixAddress(consoleSocket);
        int socket = -1;
        try {
            socket = PtyCalls.socket(PtyCalls.AF_UNIX, PtyCalls.SOCK_STREAM | PtyCalls.SOCK_CLOEXEC, 0);
            Memory timeout = new Memory(2L * NativeLong.SIZE);
            timeout.clear();
            timeout.setNativeLong(0, new NativeLong(SEND_TIMEOUT_SECONDS));
            PtyCalls.setsockopt(socket, PtyCalls.SOL_SOCKET, PtyCalls.SO_SNDTIMEO, timeout, (int) timeout.size());
            PtyCalls.connect(socket, address, (int) address.size());

            byte[] bytes = payloadText.getBytes(StandardCharsets.UTF_8);
            Memory payload = new Memory(bytes.length);
            payload.write(0, bytes, 0, bytes.length);
            Memory control = new Memory(PtyCalls.oneFdControlSize());
            control.clear();
            control.setNativeLong(0, new NativeLong(PtyCalls.cmsgHeaderSize() + 4L));
            control.setInt(NativeLong.SIZE, PtyCalls.SOL_SOCKET);
            control.setInt(NativeLong.SIZE + 4L, PtyCalls.SCM_RIGHTS);
            control.setInt(PtyCalls.cmsgHeaderSize(), fd);
            PtyCalls.MsgHdr message = PtyCalls.message(payload, control);
            long sent = PtyCalls.sendmsg(socket, message, 0).longValue();
            if (sent != bytes.length) {
                throw new IOException(
                        "console socket " + consoleSocket + ": sent " + sent + " of " + bytes.length + " bytes");
            }
        } catch (LastErrorException e) {
            throw new IOException("console socket " + consoleSocket + ": " + e.getMessage(), e);
        } finally {
            PtyCalls.closeQuietly(socket);
        }
    }
}
