package dev.vc4j;

import java.util.List;
import java.util.Locale;

/**
 * A signal as the guest's Linux numbers it (x86-64 and arm64 agree): 1 to 64, the common ones as constants,
 * any of them by {@link #of(int) number} or {@link #parse(String) name}. The real-time signals from 34 on are
 * named as glibc counts them: {@code RTMIN}, {@code RTMIN+1} ... {@code RTMAX-1}, {@code RTMAX}.
 */
public record Signal(int number) {
    public static final Signal HUP = new Signal(1);
    public static final Signal INT = new Signal(2);
    public static final Signal QUIT = new Signal(3);
    public static final Signal KILL = new Signal(9);
    public static final Signal USR1 = new Signal(10);
    public static final Signal USR2 = new Signal(12);
    public static final Signal TERM = new Signal(15);
    public static final Signal CONT = new Signal(18);
    public static final Signal STOP = new Signal(19);
    public static final Signal WINCH = new Signal(28);

    private static final int MAX = 64;
    private static final int RTMIN = 34;
    /** The names of signals 1 to 31 (index 0 unused); 32 and 33 are glibc's own and have none. */
    private static final List<String> NAMES = List.of(
            "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
            "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
            "PROF", "WINCH", "IO", "PWR", "SYS");

    /** Throws {@link InvalidConfigException} naming {@code signal} unless {@code number} is 1 to 64. */
    public Signal {
        if (number < 1 || number > MAX) {
            throw new InvalidConfigException("signal", number, "must be a signal number from 1 to " + MAX);
        }
    }

    public static Signal of(int number) {
        return new Signal(number);
    }

    /**
     * {@code SIGUSR1}, {@code USR1} or {@code 10}, in any case; {@code RTMIN+n} and {@code RTMAX-n} too. Throws
     * {@link InvalidConfigException} naming {@code signal} and the text for anything else.
     */
    public static Signal parse(String text) {
        String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        int number;
        if (name.matches("[0-9]{1,2}")) {
            number = Integer.parseInt(name);
        } else if (name.matches("RTMIN(\\+[0-9]{1,2})?")) {
            number = RTMIN + (name.length() > 5 ? Integer.parseInt(name.substring(6)) : 0);
        } else if (name.matches("RTMAX(-[0-9]{1,2})?")) {
            number = MAX - (name.length() > 5 ? Integer.parseInt(name.substring(6)) : 0);
        } else {
            number = NAMES.indexOf(name);
        }
        if (number < 1 || number > MAX || (name.startsWith("RT") && number < RTMIN)) {
            throw new InvalidConfigException(
                    "signal",
                    text,
                    "is no signal: a name such as TERM or SIGUSR1, " + "RTMIN+n, RTMAX-n, or a number from 1 to "
                            + MAX);
        }
        return new Signal(number);
    }

    /** {@code TERM}, {@code RTMIN}, {@code RTMIN+2}; signals 32 and 33, which have no name, as their number. */
    public String name() {
        if (number < NAMES.size()) {
            return NAMES.get(number);
        }
        if (number < RTMIN) {
            return Integer.toString(number);
        }
        return number == RTMIN ? "RTMIN" : "RTMIN+" + (number - RTMIN);
    }

    /** {@code SIGTERM}, {@code SIGRTMIN+2}, {@code signal 32}. */
    @Override
    public String toString() {
        return Character.isDigit(name().charAt(0)) ? "signal " + number : "SIG" + name();
    }
}
