package dev.vc4j;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happens when a container's process exits on its own (not stopped by a user): {@code no},
 * {@code on-failure[:N]} (restart after a non-zero exit, at most N times; without N, without limit) or
 * {@code always}.
 */
public record RestartPolicy(Kind kind, int maxRetries) {
    private static final Pattern FORM = Pattern.compile("(no|always|on-failure)(?::(\\d{1,9}))?");

    public enum Kind {
        NO,
        ON_FAILURE,
        ALWAYS
    }

    public static final RestartPolicy NO = new RestartPolicy(Kind.NO, 0);

    public RestartPolicy {
        if (maxRetries < 0) {
            throw new InvalidConfigException("restartPolicy.maxRetries", maxRetries, "must not be negative");
        }
        if (maxRetries > 0 && kind != Kind.ON_FAILURE) {
            throw new InvalidConfigException("restartPolicy", kind, "only on-failure takes a retry count");
        }
    }

    /** Parses {@code no}, {@code always}, {@code on-failure} or {@code on-failure:N}. */
    public static RestartPolicy parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches() || (m.group(2) != null && !m.group(1).equals("on-failure"))) {
            throw new InvalidConfigException("restartPolicy", text, "must be no, on-failure, on-failure:N or always");
        }
        Kind kind = switch (m.group(1)) {
            case "no" -> Kind.NO;
            case "always" -> Kind.ALWAYS;
            default -> Kind.ON_FAILURE;
        };
        return new RestartPolicy(kind, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    /**
     * Whether a container whose process just ended is started again. {@code stoppedByUser}: a stop, kill or
     * delete asked for it, which no policy overrides. {@code restartsSoFar}: restarts already made.
     */
    public boolean restarts(boolean stoppedByUser, int exitCode, int restartsSoFar) {
        if (stoppedByUser) {
            return false;
        }
        return switch (kind) {
            case NO -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> exitCode != 0 && (maxRetries == 0 || restartsSoFar < maxRetries);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NO -> "no";
            case ALWAYS -> "always";
            case ON_FAILURE -> maxRetries == 0 ? "on-failure" : "on-failure:" + maxRetries;
        };
    }
}
