package dev.vc4j.runtime;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * slf4j's binding for vc-runtime, found through its service file: what the library logs goes to {@code --log} in
 * the runtime's format (WARN and above, everything but TRACE with {@code --debug}), and never to stdout or stderr,
 * which in the shim are the container's. A binding of a few classes rather than a logging framework: every
 * engine call starts a JVM, and the shim stays resident with every class it loaded.
 */
public final class RuntimeLogProvider implements SLF4JServiceProvider {
    private final Map<String, RuntimeLogger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory loggerFactory = name -> loggers.computeIfAbsent(name, RuntimeLogger::new);
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public void initialize() {
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    /** Reads the log's level at each call: the global flags install the log after the first loggers exist. */
    private static final class RuntimeLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        RuntimeLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return RuntimeLog.current().debugEnabled();
        }

        @Override
        public boolean isInfoEnabled() {
            return RuntimeLog.current().debugEnabled();
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
            String runtimeLevel = level == Level.WARN ? "warning" : level.name().toLowerCase(Locale.ROOT);
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            if (throwable != null) {
                message += ": " + throwable;
            }
            RuntimeLog.current().write(runtimeLevel, name + ": " + message);
        }
    }
}
